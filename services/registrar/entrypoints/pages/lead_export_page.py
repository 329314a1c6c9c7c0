"""The workspace's export links (/admin/registrar/export.csv and export.xlsx): the lead queue as
the board shows it (its search, stage and order), for anyone signed in; the same file and
audit entry as the API's export."""

from __future__ import annotations

from flask import Blueprint, request

from registrar.adapters.users_store import actor_for
from registrar.entrypoints.export_response import export_response
from registrar.entrypoints.pages.board_filters import board_query
from registrar.entrypoints.pages.page_roles import page_for
from registrar.entrypoints.pages.staff_session import staff_session
from shared.web import request_db

blp = Blueprint("lead_export_page", __name__)


@blp.get("/admin/registrar/export.csv")
@page_for("viewer")
def export_csv():
    return _export("csv")


@blp.get("/admin/registrar/export.xlsx")
@page_for("viewer")
def export_xlsx():
    return _export("xlsx")


def _export(file_format: str):
    session, connection = staff_session(), request_db("registrar")
    query, _params, _problems = board_query(request.args, session.principal.school_id)
    return export_response(connection, actor_for(connection, session.principal), file_format, query)
