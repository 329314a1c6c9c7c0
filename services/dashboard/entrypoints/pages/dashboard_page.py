"""GET /admin/dashboard: the school admin's morning page (server-rendered, no script), and
POST /admin/dashboard/settings: its rail targets form.

Signed in by the staff session cookie the registrar's /login sets; without a valid one the
browser is sent to sign in (303). The range is a GET form (it changes nothing); the settings
form carries the CSRF token bound to the session.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import (
    Blueprint,
    Response,
    make_response,
    redirect,
    render_template,
    request,
)

from dashboard.domain.periods import PRESETS, BadPeriod, Selection, choose
from dashboard.domain.rail import HEADINGS, RAIL_ORDER, RailKind, Targets, target_problems
from dashboard.entrypoints import request_context
from dashboard.entrypoints.access import Caller, session_caller
from dashboard.entrypoints.links import DASHBOARD_PATH
from dashboard.entrypoints.pages import page_format
from dashboard.entrypoints.pages.page_responses import message_page, with_page_headers
from dashboard.entrypoints.pages.trend_chart import trend_chart
from dashboard.service_layer import rail_targets
from dashboard.service_layer.overview import HELD_MESSAGES, Overview
from shared.local_days import UnknownTimeZone, zone
from shared.sessions import CSRF_FIELD
from shared.staff_pages import posted_csrf_valid
from shared.web import ApiError, request_db

blp = Blueprint("dashboard_page", __name__, template_folder="templates")

CUSTOM = "custom"
PERIOD_CHOICES = (
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    (CUSTOM, "Chosen dates"),
)
TARGET_FIELDS = (
    ("lead_wait_hours", "A new lead may wait (hours)"),
    ("needs_info_wait_hours", "A family may take to answer (hours)"),
    ("approved_wait_hours", "An approval may wait for enrolment (hours)"),
)


@blp.get(DASHBOARD_PATH)
def show():
    caller = _signed_in()
    if isinstance(caller, Response):
        return caller
    moment = request_context.now()
    selection, errors = _chosen_selection(request_context.school_today(caller, moment))
    return _page(caller, selection, moment, errors=errors, status=422 if errors else 200)


@blp.post(f"{DASHBOARD_PATH}/settings")
def save_settings():
    caller = _signed_in()
    if isinstance(caller, Response):
        return caller
    if not posted_csrf_valid(caller):
        return message_page(
            403, "This form has expired", "Please go back, reload the dashboard and save again."
        )
    if not caller.is_admin:
        return message_page(
            403,
            "Only an admin can change the targets",
            "Ask an admin of your school to change them.",
        )
    chosen, problems = _targets_from_form()
    moment = request_context.now()
    if problems:
        selection = choose(request_context.school_today(caller, moment))
        return _page(caller, selection, moment, settings_errors=problems, status=422)
    rail_targets.save_targets(request_db("dashboard"), caller.principal.school_id, chosen, moment)
    return redirect(f"{DASHBOARD_PATH}?saved=1#targets-heading", code=303)


# -- the page ---------------------------------------------------------------------------------


def _page(
    caller: Caller,
    selection: Selection,
    moment: datetime,
    *,
    errors: dict | None = None,
    settings_errors: dict | None = None,
    status: int = 200,
):
    overview = request_context.overview_for(caller, selection, moment)
    links = request_context.links()
    html = render_template(
        "dashboard/page.html",
        overview=overview,
        fmt=page_format,
        links=links,
        tz=_zone(overview.timezone),
        now=overview.generated_at,
        chart=_chart(overview),
        rail_sections=_rail_sections(overview),
        period_choices=PERIOD_CHOICES,
        chosen=selection.preset or CUSTOM,
        form_from=request.args.get("from") or selection.period.first.isoformat(),
        form_to=request.args.get("to") or selection.period.last.isoformat(),
        errors=errors or {},
        settings_errors=settings_errors or {},
        target_fields=TARGET_FIELDS,
        target_values=request.form if settings_errors else vars(overview.targets),
        is_admin=caller.is_admin,
        csrf_field=CSRF_FIELD,
        csrf_token=caller.csrf_token,
        saved=request.args.get("saved") == "1" and not settings_errors,
    )
    return with_page_headers(make_response(html, status), links)


def _chart(overview: Overview):
    if not overview.trend:
        return None
    return trend_chart(
        [day.day for day in overview.trend],
        {
            "leads": ("Leads", [day.leads for day in overview.trend]),
            "enrollments": ("Enrollments", [day.enrollments for day in overview.trend]),
        },
    )


def _rail_sections(overview: Overview) -> list[dict]:
    return [
        {
            "kind": kind.value,
            "heading": HEADINGS[kind],
            "count": overview.rail_counts.get(kind, 0),
            "unknown": kind is RailKind.MESSAGE_HELD and HELD_MESSAGES in overview.stale,
            "items": [item for item in overview.rail if item.kind == kind],
        }
        for kind in RAIL_ORDER
    ]


def _chosen_selection(today: date) -> tuple[Selection, dict]:
    """The period the range form asks for; on a fault, the default and the fault by field."""
    args = request.args
    chosen = args.get("range") or None
    try:
        if chosen == CUSTOM:
            return choose(today, None, _day(args, "from"), _day(args, "to")), {}
        if chosen is not None and chosen not in PRESETS:
            raise BadPeriod("range", "Choose one of the periods listed.")
        return choose(today, chosen), {}
    except BadPeriod as exc:
        return choose(today), {exc.field: str(exc)}


def _day(args, field: str) -> date | None:
    text = (args.get(field) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadPeriod(field, "Enter a date as YYYY-MM-DD.") from None


def _targets_from_form() -> tuple[Targets, dict]:
    values, problems = {}, {}
    for name, _label in TARGET_FIELDS:
        text = (request.form.get(name) or "").strip()
        try:
            values[name] = int(text)
        except ValueError:
            problems[name] = "Enter a whole number of hours."
            values[name] = 0
    chosen = Targets(**values)
    return chosen, {**target_problems(chosen), **problems}


# -- signing in -------------------------------------------------------------------------------


def _signed_in() -> Caller | Response:
    """The signed-in caller, or the answer to send instead (to sign-in, or 503)."""
    try:
        caller = session_caller()
    except ApiError as exc:
        if exc.status != 503:
            raise
        return message_page(
            503,
            "Sign-in cannot be checked right now",
            "The registrar service is not answering. Please try again in a minute.",
        )
    if caller is None:
        back_to = request.full_path.rstrip("?") if request.method == "GET" else DASHBOARD_PATH
        links = request_context.links()
        return with_page_headers(redirect(links.sign_in(back_to), code=303), links)
    return caller


def _zone(name: str):
    try:
        return zone(name)
    except UnknownTimeZone:
        return zone("UTC")
