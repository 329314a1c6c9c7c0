"""The lead queue as a file (/api/admin/self-registration/export.csv and export.xlsx): every
registration the queue's `status`, `q` and `sort` select, streamed; each export is recorded in
the audit log. Viewers may export (they see the queue already)."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, stream_with_context
from flask_smorest import Blueprint

from registrar.adapters.lead_export_files import MEDIA_TYPES
from registrar.adapters.lead_queue_store import LeadQuery
from registrar.adapters.users_store import actor_for
from registrar.entrypoints.access import current_principal, requires
from registrar.entrypoints.views.self_registrations.schemas import LeadFiltersSchema
from registrar.service_layer.lead_export import start_export
from shared.web import request_db

blp = Blueprint(
    "lead_export",
    __name__,
    url_prefix="/api/admin/self-registration",
    description="The lead queue as a CSV or XLSX file.",
)


def _file_response(file_format: str):
    return {
        "200": {
            "description": "every matching registration, in the queue's order",
            "content": {MEDIA_TYPES[file_format]: {"schema": {"type": "string"}}},
        }
    }


@blp.route("/export.csv", methods=["GET"])
@requires("viewer")
@blp.arguments(LeadFiltersSchema, location="query")
@blp.doc(responses=_file_response("csv"))
def export_csv(query):
    """The lead queue as CSV (UTF-8), streamed."""
    return _export("csv", query)


@blp.route("/export.xlsx", methods=["GET"])
@requires("viewer")
@blp.arguments(LeadFiltersSchema, location="query")
@blp.doc(responses=_file_response("xlsx"))
def export_xlsx(query):
    """The lead queue as an Excel workbook, streamed."""
    return _export("xlsx", query)


def _export(file_format: str, query: dict) -> Response:
    connection, principal = request_db("registrar"), current_principal()
    filename, media_type, chunks = start_export(
        connection,
        principal.school_id,
        actor_for(connection, principal),
        file_format,
        LeadQuery(school_id=principal.school_id, **query),
        datetime.now(timezone.utc),
    )
    response = Response(stream_with_context(chunks), mimetype=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
