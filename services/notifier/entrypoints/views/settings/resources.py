"""A school's notice settings (/api/messages/settings): quiet hours, status updates, reminders."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_smorest import Blueprint

from notifier.domain.formatting import normalise_address
from notifier.domain.preferences import SchoolPreferences
from notifier.domain.quiet_hours import QuietHours
from notifier.entrypoints.views.settings.schemas import (
    NoticeSettingsOutSchema,
    NoticeSettingsSchema,
)
from notifier.service_layer.notice_settings import change_notice_settings, notice_settings
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
    preferences = SchoolPreferences(
        quiet_hours=QuietHours.parse(chosen["quiet_hours_start"], chosen["quiet_hours_end"]),
        needs_info_reminder_after=timedelta(hours=chosen["needs_info_reminder_hours"]),
        invoice_reminder_after=timedelta(hours=chosen["invoice_reminder_hours"]),
        reminders_enabled=chosen["reminders_enabled"],
        status_updates=frozenset(chosen["status_updates"]),
        family_link_lifetime=timedelta(days=chosen["family_link_days"]),
        answer_alert_email=normalise_address(chosen["answer_alert_email"]),
    )
    now = current_app.extensions["notifier_clock"]()
    change_notice_settings(request_db("notifier"), school_id, preferences, now)
    return _current(school_id)


def _current(school_id: int) -> dict:
    defaults = current_app.extensions["notifier_config"].default_preferences()
    chosen = notice_settings(request_db("notifier"), school_id, defaults)
    return {
        "quiet_hours_start": chosen.quiet_hours.start.strftime("%H:%M"),
        "quiet_hours_end": chosen.quiet_hours.end.strftime("%H:%M"),
        "status_updates": sorted(chosen.status_updates),
        "reminders_enabled": chosen.reminders_enabled,
        "needs_info_reminder_hours": int(chosen.needs_info_reminder_after.total_seconds() // 3600),
        "invoice_reminder_hours": int(chosen.invoice_reminder_after.total_seconds() // 3600),
        "family_link_days": chosen.family_link_lifetime.days,
        "answer_alert_email": chosen.answer_alert_email,
        "customised": chosen is not defaults,
    }
