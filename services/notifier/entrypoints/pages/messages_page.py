"""GET /admin/messages: a school admin's messages page (server-rendered, no script): each
message's wording per language with an editor and its preview, the message log filtered and
searched with each message's reason and a Resend button on failed ones, and the quiet hours
and reminder settings. Its forms post to messages_forms.py; every part is the API's own use
case (notifier.service_layer), for the signed-in admin's school only.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, request

from notifier.domain.message_log_view import STATUS_FILTERS, Search
from notifier.domain.templates import TEMPLATES, wording_languages
from notifier.entrypoints.pages.staff_frame import MESSAGES_PATH, admin_page, caller, html_page
from notifier.service_layer import message_history, template_admin
from notifier.service_layer.notice_settings import current_choice
from notifier.service_layer.schools import school_name
from shared.errors import InvalidInput, NotFound
from shared.locales import LANGUAGE_NAMES, SOURCE_LANGUAGE
from shared.web import request_db

# A screenful of the log.
LOG_PAGE_SIZE = 50
# Confirmations after a change (post/redirect/get), by the `done` the form redirects with.
DONE = {
    "saved": "The wording was saved: the next message of this kind uses it.",
    "reset": "The wording is back to the default.",
    "queued": "The message was queued to be sent again.",
    "held": "The message will be sent again when the school's quiet hours end.",
    "suppressed": "The message was not sent again: the family has not agreed to such mail.",
    "settings": "The quiet hours and reminder settings were saved.",
}

blp = Blueprint("messages_page", __name__)


@blp.get(MESSAGES_PATH)
@admin_page
def messages_page():
    done = DONE.get(request.args.get("done", ""))
    return render_messages(notice={"kind": "success", "text": done} if done else None)


def render_messages(
    *,
    notice: dict | None = None,
    editing: dict | None = None,
    preview: dict | None = None,
    editor_problems: dict | None = None,
    settings_form: dict | None = None,
    settings_problems: dict | None = None,
    status: int = 200,
):
    """The whole page; a refused or previewed form passes what was typed, and its problems."""
    school_id = caller().principal.school_id
    connection = request_db("notifier")
    log, log_problems = _log(connection, school_id)
    return html_page(
        "messages/page.html",
        status,
        caller=caller(),
        school=school_name(connection, school_id),
        clock=SchoolClock(caller().principal.timezone),
        notice=notice,
        templates=_template_rows(connection, school_id),
        language_names=LANGUAGE_NAMES,
        editing=editing or _editing(connection, school_id),
        preview=preview,
        editor_problems=editor_problems or {},
        log=log,
        log_problems=log_problems,
        log_filters=_log_filters(),
        status_filters=STATUS_FILTERS,
        settings=settings_form or current_choice(connection, school_id, _defaults()),
        settings_problems=settings_problems or {},
    )


def _template_rows(connection, school_id: int) -> list[dict]:
    store = current_app.extensions["notifier_templates"]
    return [
        {**summary, "editable_in": wording_languages(summary["key"])}
        for summary in template_admin.summaries(store, connection, school_id)
    ]


def _editing(connection, school_id: int) -> dict | None:
    """The wording the editor opens with: ?template=&language= (none: no editor)."""
    key = request.args.get("template")
    if key not in TEMPLATES:
        return None
    language = request.args.get("language", SOURCE_LANGUAGE)
    if language not in wording_languages(key):
        language = SOURCE_LANGUAGE
    store = current_app.extensions["notifier_templates"]
    try:
        return template_admin.effective(store, connection, school_id, key, language)
    except NotFound:
        return None


def _log_filters() -> dict:
    typed = {name: request.args.get(name, "").strip() for name in ("status", "q", "cursor")}
    return {name: value for name, value in typed.items() if value}


def _log(connection, school_id: int) -> tuple[dict, list[str]]:
    filters = _log_filters()
    problems = []
    status = filters.get("status")
    if status is not None and status not in STATUS_FILTERS:
        problems.append("Status: choose one of the statuses listed.")
        status = None
    try:
        page = message_history.message_page(
            connection,
            school_id,
            registration_id=None,
            status=status,
            before_id=None,
            limit=LOG_PAGE_SIZE,
            search=Search.of(filters.get("q")),
            cursor=filters.get("cursor"),
        )
    except InvalidInput:
        problems.append("This page of the log is not one the page gave out: start again.")
        page = {"messages": [], "next_cursor": None}
    kept = {name: filters[name] for name in ("status", "q") if name in filters}
    older = page["next_cursor"] and f"{MESSAGES_PATH}?" + urlencode(
        {**kept, "cursor": page["next_cursor"]}
    )
    return {
        "messages": page["messages"],
        "older_url": f"{older}#log-heading" if older else None,
        "newest_url": f"{MESSAGES_PATH}?{urlencode(kept)}#log-heading"
        if "cursor" in filters
        else None,
    }, problems


def _defaults():
    return current_app.extensions["notifier_config"].default_preferences()


class SchoolClock:
    """Moments as the school's wall clock shows them (the log keeps UTC)."""

    def __init__(self, timezone_name: str):
        try:
            self._zone = ZoneInfo(timezone_name)
        except (ValueError, KeyError):
            self._zone = timezone.utc

    def local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(self._zone)

    def format(self, moment: datetime) -> str:
        return self.local(moment).strftime("%Y-%m-%d %H:%M")

    def iso(self, moment: datetime) -> str:
        return self.local(moment).isoformat(timespec="seconds")
