"""A school's notice settings (/api/messages/settings): quiet hours, status updates, reminders."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from notifier.entrypoints.views.settings.schemas import (
    NoticeSettingsOutSchema,
    NoticeSettingsSchema,
)
from notifier.service_layer.notice_settings import (
    change_notice_settings,
    current_choice,
    from_choice,
)
from shared.remote_access import current_principal, requires
from shared.web import request_db, require_json_body

blp = Blueprint(
    "notice_settings",
    __name__,
    url_prefix="/api/messages/settings",
    description="What the school chose about its e-mails.",
)
blp.before_request(require_json_body)


@blp.route("", methods=["GET"])
@requires("admin")
@blp.response(200, NoticeSettingsOutSchema)
def get_settings():
    """The school's settings, or the defaults while it has chosen none."""
    return _current(current_principal().school_id)


@blp.route("", methods=["PUT"])
@requires("admin")
@blp.arguments(NoticeSettingsSchema)
@blp.response(200, NoticeSettingsOutSchema)
def put_settings(chosen):
    """Replace the school's settings."""
    school_id = current_principal().school_id
    now = current_app.extensions["notifier_clock"]()
    change_notice_settings(request_db("notifier"), school_id, from_choice(chosen), now)
    return _current(school_id)


def _current(school_id: int) -> dict:
    defaults = current_app.extensions["notifier_config"].default_preferences()
    return current_choice(request_db("notifier"), school_id, defaults)
