"""GET /admin/registrar: the registrar workspace, server-rendered: the stage board (a column
per status with its count and a page of cards; search, stage and sort filters; keyset paging)
and, with ?registration=<id>, the detail panel with its tabs.

The fragments under /admin/registrar/... are the same templates without the page around
them, for the small script that opens panels, pages a column, checks a placement as soon as
it is picked and loads the messages sent, without reloading the page. Everything works
without the script too.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlencode

from flask import current_app, render_template, request

from registrar.adapters import classes_store
from registrar.adapters.board_store import board, column_page
from registrar.domain.board import BOARD_STAGES
from registrar.entrypoints.pages import wording
from registrar.entrypoints.pages.assets import AssetBlueprint
from registrar.entrypoints.pages.board_filters import (
    SORT_CHOICES,
    board_params,
    board_query,
    positive_int,
)
from registrar.entrypoints.pages.page_responses import html_page, message_page
from registrar.entrypoints.pages.registration_panel import (
    TAB_KEYS,
    TABS,
    messages_of,
    registration_panel,
)
from registrar.entrypoints.pages.staff_session import signed_in, staff_session
from registrar.entrypoints.views.documents.resources import document_response
from registrar.service_layer import assignments, documents
from shared.errors import DomainError
from shared.web import ApiError, domain_error_status, request_db

HOME = "/admin/registrar"
blp = AssetBlueprint(
    "workspace",
    __name__,
    template_folder="templates",
    static_folder="static/workspace",
    static_url_path=f"{HOME}/static",
)


@blp.get(HOME)
@signed_in()
def workspace():
    registration_id = positive_int(request.args.get("registration"))
    tab = request.args.get("tab") if request.args.get("tab") in TAB_KEYS else "overview"
    return render_workspace(registration_id, tab, done=request.args.get("done"))


@blp.get(f"{HOME}/column")
@signed_in(fragment=True)
def column():
    """The next page of one stage's cards, as list items and the following "more" link."""
    session = staff_session()
    query, params, _problems = board_query(request.args, session.principal.school_id)
    if not query.status or query.after is None:
        return html_page("A column page needs its stage and cursor.", 400)
    page = column_page(request_db("registrar"), query, _now())
    return html_page(
        render_template(
            "workspace/_column_page.html",
            column={"status": query.status, **page},
            **_context(session, params),
        )
    )


@blp.get(f"{HOME}/registrations/<int:registration_id>/panel")
@signed_in(fragment=True)
def panel(registration_id: int):
    tab = request.args.get("tab") if request.args.get("tab") in TAB_KEYS else "overview"
    session = staff_session()
    _query, params, _problems = board_query(request.args, session.principal.school_id)
    return html_page(
        render_template(
            "workspace/_panel.html", **_panel_context(session, params, registration_id, tab)
        )
    )


@blp.get(f"{HOME}/registrations/<int:registration_id>/placement-check")
@signed_in(fragment=True)
def placement_check(registration_id: int):
    """What placing the registration in the chosen class would meet: the same check as
    GET /api/admin/self-registration/assign-class/check, as the warning the Class tab shows."""
    session = staff_session()
    documents.require_registration(
        request_db("registrar"), session.principal.school_id, registration_id
    )  # 404 unless it is the school's
    schedule_id = positive_int(request.args.get("schedule_id"))
    check = placement_warning(
        session, registration_id, schedule_id, positive_int(request.args.get("teacher_id"))
    )
    return html_page(
        render_template(
            "workspace/_placement_check.html",
            check=check,
            **_context(session, board_params(request.args)),
        )
    )


@blp.get(f"{HOME}/registrations/<int:registration_id>/messages")
@signed_in(fragment=True)
def messages(registration_id: int):
    session = staff_session()
    documents.require_registration(
        request_db("registrar"), session.principal.school_id, registration_id
    )  # 404 unless it is the school's
    found, problem = messages_of(_notifier_url(), session.token, registration_id)
    return html_page(
        render_template(
            "workspace/_messages.html",
            messages=found,
            messages_error=problem,
            **_context(session, {}),
        )
    )


@blp.get(f"{HOME}/documents/<int:document_id>")
@signed_in()
def document(document_id: int):
    return document_response(staff_session().principal.school_id, document_id)


@blp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return _refusal_page(error.status, error.message)


@blp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    return _refusal_page(domain_error_status(error), error.message)


def _refusal_page(status: int, message: str):
    if status == 404:
        return message_page(
            404,
            "Not found",
            "There is no such registration or document in your school.",
            link=(HOME, "Back to the board"),
        )
    return message_page(
        status,
        "This could not be done",
        wording.sentence(message),
        link=(HOME, "Back to the board"),
    )


# -- rendering, shared with the actions ----------------------------------------------------


def render_workspace(
    registration_id: int | None,
    tab: str = "overview",
    *,
    params: dict | None = None,
    done: str | None = None,
    notice: dict | None = None,
    form_state: dict | None = None,
    check: dict | None = None,
    status: int = 200,
):
    """The whole page: the board with its filters, and the panel of `registration_id`."""
    session = staff_session()
    source = request.args if params is None else params
    query, params, problems = board_query(source, session.principal.school_id)
    connection = request_db("registrar")
    columns = board(connection, query, _now())
    context = _context(session, params)
    panel_context = None
    if registration_id is not None:
        panel_context = _panel_context(
            session, params, registration_id, tab, notice=notice, form_state=form_state, check=check
        )
        if done and panel_context["notice"] is None:
            panel_context["notice"] = wording.done_notice(done, panel_context["panel"])
    body = render_template(
        "workspace/page.html",
        columns=columns,
        problems=problems,
        stage_choices=[(s, wording.status_label(s)) for s in BOARD_STAGES],
        sort_choices=SORT_CHOICES,
        single_stage=bool(query.status),
        panel_context=panel_context,
        **context,
    )
    return html_page(body, status)


def _panel_context(
    session,
    params: dict,
    registration_id: int,
    tab: str,
    *,
    notice: dict | None = None,
    form_state: dict | None = None,
    check: dict | None = None,
) -> dict:
    panel = registration_panel(
        request_db("registrar"),
        session,
        registration_id,
        notifier_url=_notifier_url(),
        with_messages=tab == "history",
    )
    return {
        "panel": panel,
        "tab": tab,
        "tabs": TABS,
        "notice": notice,
        "form_state": form_state or {},
        "check": check,
        **_context(session, params),
    }


def _context(session, params: dict) -> dict:
    clock = wording.SchoolClock(session.school.timezone)
    return {
        "session": session,
        "params": params,
        "board_query": urlencode(params),
        "dashboard_url": dashboard_url(),
        "clock": clock,
        "wording": wording,
        "currency": session.school.currency,
        "workspace_url": lambda **extra: workspace_url(params, **extra),
        "column_url": lambda status, cursor: (
            f"{HOME}/column?" + urlencode({**params, "stage": status, "cursor": cursor})
        ),
    }


def dashboard_url() -> str:
    """/admin/dashboard behind the gateway (one origin); reached on the registrar's own port,
    the dashboard is on its own port of the same host."""
    ports = current_app.config["EDQUILL_SETTINGS"].ports
    host, _, port = request.host.rpartition(":")
    if host and port == str(ports["registrar"]):
        return f"{request.scheme}://{host}:{ports['dashboard']}/admin/dashboard"
    return "/admin/dashboard"


def workspace_url(params: dict, **extra) -> str:
    query = {**params, **{k: v for k, v in extra.items() if v is not None}}
    fragment = query.pop("_anchor", None)
    url = HOME + ("?" + urlencode(query) if query else "")
    return url + (f"#{fragment}" if fragment else "")


def placement_warning(
    session, registration_id: int, schedule_id: int | None, teacher_id: int | None
) -> dict:
    """The conflicts and free alternatives for a chosen class, or why there are none."""
    if schedule_id is None:
        return {"conflicts": [], "suggestions": [], "error": None, "schedule_id": None}
    connection = request_db("registrar")
    school_id = session.principal.school_id
    try:
        if teacher_id is None:
            with connection.cursor() as cursor:
                teacher_id = classes_store.schedule_teacher(cursor, school_id, schedule_id)
        found = assignments.check_assignment(
            connection, school_id, registration_id, teacher_id, schedule_id, _now().date()
        )
    except (ApiError, DomainError) as exc:
        return {
            "conflicts": [],
            "suggestions": [],
            "schedule_id": schedule_id,
            "error": " ".join(wording.field_errors(exc.details).values())
            or wording.sentence(exc.message),
        }
    return {**found, "error": None, "schedule_id": schedule_id}


def _notifier_url() -> str:
    return current_app.config["EDQUILL_SETTINGS"].notifier_url


def _now() -> datetime:
    # The database keeps UTC without a zone; the board compares with its columns.
    return datetime.now(timezone.utc).replace(tzinfo=None)
