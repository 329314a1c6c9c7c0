"""The lead queue as a file (/api/admin/self-registration/export.csv and export.xlsx): every
registration the queue's `status`, `q` and `sort` select, streamed; each export is recorded in
the audit log. Viewers may export (they see the queue already)."""

from __future__ import annotations

from flask_smorest import Blueprint

from registrar.adapters.lead_export_files import MEDIA_TYPES
from registrar.adapters.lead_queue_store import LeadQuery
from registrar.adapters.users_store import actor_for
from registrar.entrypoints.access import current_principal, requires
from registrar.entrypoints.export_response import export_response
from registrar.entrypoints.views.self_registrations.schemas import LeadFiltersSchema
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


def _export(file_format: str, query: dict):
    connection, principal = request_db("registrar"), current_principal()
    return export_response(
        connection,
        actor_for(connection, principal),
        file_format,
        LeadQuery(school_id=principal.school_id, **query),
    )
