"""A school's notice settings (quiet hours, status updates, reminders): read, or the defaults
while it has chosen none, and replaced whole. The API and the messages page both speak of
them as one flat choice (hours in hours, times as HH:MM): `as_choice` and `from_choice`."""

from __future__ import annotations

from datetime import datetime, timedelta

from notifier.adapters import school_store
from notifier.domain.formatting import normalise_address
from notifier.domain.preferences import SchoolPreferences
from notifier.domain.quiet_hours import QuietHours
from shared import db


def notice_settings(connection, school_id: int, defaults: SchoolPreferences) -> SchoolPreferences:
    """The school's choice; `defaults` itself (the same object) while it has made none."""
    with connection.cursor() as cursor:
        return school_store.preferences(cursor, school_id, defaults)


def change_notice_settings(
    connection, school_id: int, preferences: SchoolPreferences, now: datetime
) -> None:
    with db.transaction(connection) as cursor:
        school_store.save_preferences(cursor, school_id, preferences, now)


def current_choice(connection, school_id: int, defaults: SchoolPreferences) -> dict:
    return as_choice(notice_settings(connection, school_id, defaults), defaults)


def as_choice(chosen: SchoolPreferences, defaults: SchoolPreferences) -> dict:
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


def from_choice(chosen: dict) -> SchoolPreferences:
    """The preferences of a choice already checked (the settings schema)."""
    return SchoolPreferences(
        quiet_hours=QuietHours.parse(chosen["quiet_hours_start"], chosen["quiet_hours_end"]),
        needs_info_reminder_after=timedelta(hours=chosen["needs_info_reminder_hours"]),
        invoice_reminder_after=timedelta(hours=chosen["invoice_reminder_hours"]),
        reminders_enabled=chosen["reminders_enabled"],
        status_updates=frozenset(chosen["status_updates"]),
        family_link_lifetime=timedelta(days=chosen["family_link_days"]),
        answer_alert_email=normalise_address(chosen["answer_alert_email"]),
    )
