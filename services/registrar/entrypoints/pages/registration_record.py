"""/admin/registrar/registrations/<id>/record: one registration on one printable page, for
any staff role: its details, class and fees, its history, the messages the notifier sent
(asked of it with the viewer's own token; a notifier that does not answer is said so) and
its documents as a list (names, sizes, who uploaded them: never their contents).

Its print stylesheet leaves the page's navigation out, so the browser's "Print / Save as PDF"
makes a clean file. Opening it writes an audit entry; another school's id is the 404 page.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, current_app, render_template

from registrar.adapters.users_store import actor_for
from registrar.entrypoints.pages import wording
from registrar.entrypoints.pages.page_responses import html_page, message_page
from registrar.entrypoints.pages.page_roles import page_for
from registrar.entrypoints.pages.registration_panel import messages_of
from registrar.entrypoints.pages.staff_session import staff_session
from registrar.entrypoints.pages.workspace import HOME, dashboard_url
from registrar.service_layer.detail import record_viewed, registration_detail
from shared.errors import NotFound
from shared.roles import VIEWER
from shared.web import request_db

blp = Blueprint("registration_record", __name__, template_folder="templates")


@blp.get(f"{HOME}/registrations/<int:registration_id>/record")
@page_for(VIEWER)
def registration_record(registration_id: int):
    session, connection = staff_session(), request_db("registrar")
    school_id = session.principal.school_id
    try:
        detail = registration_detail(connection, school_id, registration_id)
    except NotFound:
        return message_page(
            404,
            "Not found",
            "There is no such registration in your school.",
            link=(HOME, "Back to the board"),
        )
    messages, messages_error = messages_of(
        current_app.config["EDQUILL_SETTINGS"].notifier_url, session.token, registration_id
    )
    record_viewed(connection, school_id, registration_id, actor_for(connection, session.principal))
    body = render_template(
        "record/page.html",
        session=session,
        current="registrations",
        dashboard_url=dashboard_url(),
        clock=wording.SchoolClock(session.school.timezone),
        wording=wording,
        r=detail["overview"],
        detail=detail,
        invoice=next((fee for fee in detail["fees"] if fee["kind"] == "invoice"), None),
        messages=messages,
        messages_error=messages_error,
        now=datetime.now(timezone.utc),
    )
    return html_page(body)
