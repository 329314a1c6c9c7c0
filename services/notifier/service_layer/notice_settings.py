"""A school's notice settings (quiet hours, status updates, reminders): read, or the defaults
while it has chosen none, and replaced whole."""

from __future__ import annotations

from datetime import datetime

from notifier.adapters import school_store
from notifier.domain.preferences import SchoolPreferences
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
