"""The notifier's directory of schools (t_school), kept from school.created / school.updated,
and each school's notice settings (t_school_notice_settings)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from notifier.domain.preferences import (
    SchoolPreferences,
    format_status_updates,
    parse_status_updates,
)
from notifier.domain.quiet_hours import UTC, QuietHours, school_zone
from shared.events import Event
from shared.locales import SOURCE_LANGUAGE, choose_language

log = logging.getLogger(__name__)

# t_school's widths: a longer value in a school event is cut to fit.
NAME_LENGTH = 200
SLUG_LENGTH = 80
TIMEZONE_LENGTH = 64
CURRENCY_LENGTH = 3


class SchoolNotKnown(LookupError):
    """An event names a school the notifier has not heard of yet: retried, then dead-lettered
    (its school.created may still be on its way)."""

    def __init__(self, school_id: int):
        super().__init__(
            f"school {school_id} is not known to the notifier yet (no school.created event seen)"
        )


@dataclass(frozen=True)
class School:
    id: int
    name: str
    timezone: str
    currency: str
    preferences: SchoolPreferences
    # Whether t_message_template holds any of its own wording (else no lookup is needed).
    has_own_templates: bool = False
    # What its families read when they have not chosen, and whose wording stands in.
    default_language: str = SOURCE_LANGUAGE

    @property
    def zone(self) -> tzinfo:
        try:
            return school_zone(self.timezone)
        except ValueError:
            log.warning(
                "school %s has an unknown time zone %r: quiet hours use UTC", self.id, self.timezone
            )
            return UTC


def apply_school_event(cursor, event: Event, now: datetime) -> None:
    """Upsert the school; an event older than what is stored changes nothing."""
    payload = event.payload
    name, timezone, currency, default_language = _directory_values(payload)
    cursor.execute(
        "INSERT INTO t_school (school_id, name, slug, timezone, currency, default_language, "
        "changed_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE "
        "name = IF(VALUES(changed_at) >= changed_at, VALUES(name), name), "
        "slug = IF(VALUES(changed_at) >= changed_at, VALUES(slug), slug), "
        "timezone = IF(VALUES(changed_at) >= changed_at, VALUES(timezone), timezone), "
        "currency = IF(VALUES(changed_at) >= changed_at, VALUES(currency), currency), "
        "default_language = IF(VALUES(changed_at) >= changed_at, VALUES(default_language), "
        "default_language), "
        "updated_at = VALUES(updated_at), "
        "changed_at = GREATEST(changed_at, VALUES(changed_at))",
        (
            int(payload["school_id"]),
            name,
            str(payload["slug"])[:SLUG_LENGTH],
            timezone,
            currency,
            default_language,
            event.occurred_at,
            now,
        ),
    )


def _directory_values(payload) -> tuple[str, str, str, str]:
    """What a school event stores of what a School holds: name, time zone, currency, language."""
    return (
        str(payload["name"])[:NAME_LENGTH],
        str(payload["timezone"])[:TIMEZONE_LENGTH],
        str(payload["currency"])[:CURRENCY_LENGTH],
        choose_language(school_default=payload.get("default_language")),
    )


class SchoolsOfTransaction:
    """The schools one transaction (a consumer's batch) works with, each read once.

    Inside the transaction a school read again comes back as it was read (repeatable read),
    unless the transaction changed it itself: a school event or snapshot applied through here
    that says something else of the school makes it be read again. Every registrar event
    carries its school's snapshot, which nearly always says what the directory already holds,
    so a batch of 50 events reads each of its schools once instead of 50 times.
    """

    def __init__(self, cursor, defaults: SchoolPreferences):
        self.cursor = cursor
        self._defaults = defaults
        self._read: dict[int, School] = {}

    def require(self, school_id: int) -> School:
        if school_id not in self._read:
            self._read[school_id] = require_school(self.cursor, school_id, self._defaults)
        return self._read[school_id]

    def apply_school_event(self, event: Event, now: datetime) -> None:
        apply_school_event(self.cursor, event, now)
        school_id = int(event.payload["school_id"])
        read = self._read.get(school_id)
        if read is not None and _directory_values(event.payload) != (
            read.name,
            read.timezone,
            read.currency,
            read.default_language,
        ):
            del self._read[school_id]


_SETTINGS = (
    "quiet_hours_start, quiet_hours_end, status_updates, reminders_enabled, "
    "needs_info_reminder_hours, invoice_reminder_hours, family_link_days, answer_alert_email"
)


def find_school(cursor, school_id: int, defaults: SchoolPreferences) -> School | None:
    """The school with its settings, in one round trip (this runs for every event)."""
    cursor.execute(
        "SELECT s.school_id, s.name, s.timezone, s.currency, s.default_language, "
        "n.school_id AS has_settings, "
        "n.quiet_hours_start, n.quiet_hours_end, n.status_updates, n.reminders_enabled, "
        "n.needs_info_reminder_hours, n.invoice_reminder_hours, n.family_link_days, "
        "n.answer_alert_email, EXISTS (SELECT 1 FROM "
        "t_message_template t WHERE t.school_id = s.school_id) AS has_own_templates "
        "FROM t_school s LEFT JOIN t_school_notice_settings n ON n.school_id = s.school_id "
        "WHERE s.school_id = %s",
        (school_id,),
    )
    row = cursor.fetchone()
    if row is None:
        return None
    return School(
        row["school_id"],
        row["name"],
        row["timezone"],
        row["currency"],
        _preferences(row) if row["has_settings"] else defaults,
        bool(row["has_own_templates"]),
        row["default_language"],
    )


def require_school(cursor, school_id: int, defaults: SchoolPreferences) -> School:
    school = find_school(cursor, school_id, defaults)
    if school is None:
        raise SchoolNotKnown(school_id)
    return school


def preferences(cursor, school_id: int, defaults: SchoolPreferences) -> SchoolPreferences:
    """The school's settings, or `defaults` while it has chosen none."""
    cursor.execute(
        f"SELECT {_SETTINGS} FROM t_school_notice_settings WHERE school_id = %s", (school_id,)
    )
    row = cursor.fetchone()
    return defaults if row is None else _preferences(row)


def _preferences(row: dict) -> SchoolPreferences:
    return SchoolPreferences(
        quiet_hours=QuietHours(_time(row["quiet_hours_start"]), _time(row["quiet_hours_end"])),
        needs_info_reminder_after=timedelta(hours=row["needs_info_reminder_hours"]),
        invoice_reminder_after=timedelta(hours=row["invoice_reminder_hours"]),
        reminders_enabled=bool(row["reminders_enabled"]),
        status_updates=parse_status_updates(row["status_updates"]),
        family_link_lifetime=timedelta(days=row["family_link_days"]),
        answer_alert_email=row["answer_alert_email"],
    )


def save_preferences(cursor, school_id: int, chosen: SchoolPreferences, now: datetime) -> None:
    values = (
        chosen.quiet_hours.start,
        chosen.quiet_hours.end,
        format_status_updates(chosen.status_updates),
        chosen.reminders_enabled,
        _hours(chosen.needs_info_reminder_after),
        _hours(chosen.invoice_reminder_after),
        chosen.family_link_lifetime.days,
        chosen.answer_alert_email,
        now,
    )
    cursor.execute(
        "INSERT INTO t_school_notice_settings (school_id, quiet_hours_start, quiet_hours_end, "
        "status_updates, reminders_enabled, needs_info_reminder_hours, invoice_reminder_hours, "
        "family_link_days, answer_alert_email, updated_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON DUPLICATE KEY UPDATE "
        "quiet_hours_start = VALUES(quiet_hours_start), "
        "quiet_hours_end = VALUES(quiet_hours_end), status_updates = VALUES(status_updates), "
        "reminders_enabled = VALUES(reminders_enabled), "
        "needs_info_reminder_hours = VALUES(needs_info_reminder_hours), "
        "invoice_reminder_hours = VALUES(invoice_reminder_hours), "
        "family_link_days = VALUES(family_link_days), "
        "answer_alert_email = VALUES(answer_alert_email), updated_at = VALUES(updated_at)",
        (school_id, *values),
    )


def school_name(cursor, school_id: int) -> str | None:
    cursor.execute("SELECT name FROM t_school WHERE school_id = %s", (school_id,))
    row = cursor.fetchone()
    return row["name"] if row else None


def _time(value) -> time:
    """MySQL TIME comes back as a timedelta since midnight."""
    if isinstance(value, time):
        return value
    seconds = int(value.total_seconds())
    return time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)


def _hours(span: timedelta) -> int:
    return int(span.total_seconds() // 3600)


def school_default_language(cursor, school_id: int) -> str | None:
    cursor.execute("SELECT default_language FROM t_school WHERE school_id = %s", (school_id,))
    row = cursor.fetchone()
    return row["default_language"] if row else None
