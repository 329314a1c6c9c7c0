"""The lead queue's export as an HTTP answer, the same for the API (token) and the workspace
(session): the audit entry first, then the file streamed as an attachment."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, stream_with_context

from registrar.adapters.lead_queue_store import LeadQuery
from registrar.service_layer.lead_export import start_export


def export_response(connection, actor: str, file_format: str, query: LeadQuery) -> Response:
    filename, media_type, chunks = start_export(
        connection, query.school_id, actor, file_format, query, datetime.now(timezone.utc)
    )
    response = Response(stream_with_context(chunks), mimetype=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
