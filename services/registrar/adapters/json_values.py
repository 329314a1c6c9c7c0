"""Column values as the JSON the API and the events speak: ISO dates, UTC times with a Z,
HH:MM clock times. One place, so every answer and payload writes them alike.

Values are encoded where they leave: the stores as they read a row for an answer, the outbox
(`json_value`) as it writes an event's payload, so use cases hand over plain dates, times
and moments."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta


def clock(value: time | timedelta) -> str:
    """A TIME column (pymysql reads it as a timedelta) or a time, as HH:MM."""
    if isinstance(value, timedelta):
        minutes = int(value.total_seconds()) // 60
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    return value.strftime("%H:%M")


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def iso_utc(moment: datetime | None) -> str | None:
    """A DATETIME column (UTC, naive) as 2026-11-25T21:34:02.123456Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if moment is not None else None


def json_value(value):
    """json.dumps' `default`: a moment, a date or a clock time in the forms above; anything
    else (a Decimal, ...) as its text."""
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return iso_date(value)
    if isinstance(value, (time, timedelta)):
        return clock(value)
    return str(value)
