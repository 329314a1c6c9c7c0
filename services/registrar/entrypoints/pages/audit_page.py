"""/admin/audit: the school's audit trail, newest first (who, what, when, before and after),
filtered by registration, person and action, a page at a time with an "older entries" link
carrying the next cursor (the API's own query, registrar.service_layer.audit_trail)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request

from registrar.entrypoints.pages import wording
from registrar.entrypoints.pages.page_responses import html_page
from registrar.entrypoints.pages.page_roles import page_for
from registrar.entrypoints.pages.posted_form import validated
from registrar.entrypoints.pages.staff_session import staff_session
from registrar.entrypoints.pages.workspace import dashboard_url
from registrar.entrypoints.views.audit.schemas import TrailQuerySchema
from registrar.service_layer.audit_trail import TrailQuery, trail_actions, trail_page
from shared.errors import InvalidInput
from shared.roles import VIEWER
from shared.web import request_db

AUDIT = "/admin/audit"
FILTERS = ("registration_id", "actor", "action")
# A screenful: the API's default page.
PAGE_SIZE = 50

blp = Blueprint("audit_page", __name__, template_folder="templates")


@blp.get(AUDIT)
@page_for(VIEWER)
def audit_page():
    session = staff_session()
    typed = {name: request.args.get(name, "").strip() for name in (*FILTERS, "cursor")}
    connection = request_db("registrar")
    problems, page = [], {"items": [], "next_cursor": None}
    try:
        query = validated(TrailQuerySchema(), {k: v for k, v in typed.items() if v})
        query["limit"] = PAGE_SIZE
        page = trail_page(connection, TrailQuery(session.principal.school_id, **query))
    except InvalidInput as exc:
        problems = [
            f"{name.replace('_', ' ').capitalize()}: {message}"
            for name, message in wording.field_errors(exc.details).items()
        ]
    filters = {name: typed[name] for name in FILTERS if typed[name]}
    body = render_template(
        "audit/page.html",
        session=session,
        current="audit",
        dashboard_url=dashboard_url(),
        clock=wording.SchoolClock(session.school.timezone),
        entries=page["items"],
        filters=filters,
        actions=trail_actions(connection, session.principal.school_id),
        problems=problems,
        older_url=(
            f"{AUDIT}?" + urlencode({**filters, "cursor": page["next_cursor"]})
            if page["next_cursor"]
            else None
        ),
        first_page=not typed["cursor"],
    )
    return html_page(body, 422 if problems else 200)
