"""Exporting the lead queue: every registration the page's filters and sort select, as a CSV
or XLSX file streamed as its rows arrive, with the export recorded in the audit log first.

The rows are read by the lead queue's own statement (adapters.lead_queue_store.every_row), so
the export selects exactly what the page shows, in its order; they are read from an unbuffered
cursor and written out as they arrive, so an export of the whole school costs one ordered
scan and memory for a chunk of the file, not for the school: one statement, where paging
through the keyset would cost a query per batch.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterator
from zoneinfo import ZoneInfo

from registrar.adapters import audit_store
from registrar.adapters.lead_export_files import MEDIA_TYPES, csv_chunks, xlsx_chunks
from registrar.adapters.lead_queue_store import LeadQuery, every_row
from registrar.adapters.schools_store import school_by_id
from registrar.domain.lead_export import (
    HEADERS,
    export_cells,
    export_description,
    export_filename,
)
from shared.db import transaction


def start_export(
    connection, school_id: int, actor: str, file_format: str, query: LeadQuery, now: datetime
) -> tuple[str, str, Iterator[bytes]]:
    """Record the export, then return its file name (dated the school's today), media type
    and the file's chunks (read lazily: the rows are fetched as the chunks are consumed)."""
    school = school_by_id(connection, school_id)
    with transaction(connection) as cursor:
        audit_store.record(
            cursor,
            school_id=school_id,
            actor=actor,
            action="leads_exported",
            entity_type="school",
            entity_id=school_id,
            new_value=export_description(file_format, query.status, query.q, query.sort),
        )
    rows = (export_cells(row) for row in every_row(connection, query))
    if file_format == "xlsx":
        chunks = xlsx_chunks(HEADERS, rows, title="Leads")
    else:
        chunks = csv_chunks(HEADERS, rows)
    today = now.astimezone(ZoneInfo(school.timezone)).date()
    return export_filename(school.slug, today, file_format), MEDIA_TYPES[file_format], chunks
