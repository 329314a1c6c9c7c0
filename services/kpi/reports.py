"""What the HTTP API and the reconciliation read: a school's daily figures over a range of
local days (every day present, empty where nothing happened) and the range added up."""
from __future__ import annotations

from kpi import daily_tables, ledger_store
from kpi.domain.figures import DayFigures, Summary, summarise
from shared.local_days import DayRange


def daily_series(connection, school_id: int, days: DayRange) -> list[DayFigures]:
    with connection.cursor() as cursor:
        stored = daily_tables.days_between(cursor, school_id, days.first, days.last)
    return [stored.get(day, DayFigures(day)) for day in days.days]


def range_summary(connection, school_id: int, days: DayRange, currency: str) -> Summary:
    """Totals of first..last; the median is taken over every decision in the range (a median
    of daily medians would not be one)."""
    with connection.cursor() as cursor:
        stored = daily_tables.days_between(cursor, school_id, days.first, days.last)
        durations = ledger_store.decision_durations(cursor, school_id, days.first, days.last)
    return summarise(days.first, days.last, currency, stored.values(), durations)
