"""What the HTTP API and the reconciliation read: a school's daily figures over a range of
local days (every day present, empty where nothing happened), the range added up, and a
period beside the period before it, as a dashboard shows them. Each is @lag_tolerant: the
figures are folded from events, already behind the registrar, so a read replica may serve
them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kpi.adapters import daily_figures_store
from kpi.domain.figures import DayFigures, Summary, summarise
from shared.local_days import DayRange
from shared.read_replica import lag_tolerant


@dataclass(frozen=True)
class TrendDay:
    day: date
    leads: int
    enrollments: int


@dataclass(frozen=True)
class PeriodOverview:
    summary: Summary
    # The same number of days just before, added up.
    previous: Summary
    # Every day of the period.
    trend: list[TrendDay]


@lag_tolerant
def daily_series(connection, school_id: int, days: DayRange) -> list[DayFigures]:
    with connection.cursor() as cursor:
        stored = daily_figures_store.days_between(cursor, school_id, days.first, days.last)
    return [stored.get(day, DayFigures(day)) for day in days.days]


@lag_tolerant
def range_summary(connection, school_id: int, days: DayRange, currency: str) -> Summary:
    """Totals of first..last, and the median over every decision in the range."""
    with connection.cursor() as cursor:
        return _summary(cursor, school_id, days, currency)


@lag_tolerant
def period_overview(connection, school_id: int, days: DayRange, currency: str) -> PeriodOverview:
    with connection.cursor() as cursor:
        trend = daily_figures_store.trend_between(cursor, school_id, days.first, days.last)
        return PeriodOverview(
            _summary(cursor, school_id, days, currency),
            _summary(cursor, school_id, days.previous(), currency),
            [TrendDay(day, *trend.get(day, (0, 0))) for day in days.days],
        )


def _summary(cursor, school_id: int, days: DayRange, currency: str) -> Summary:
    return summarise(
        days.first,
        days.last,
        currency,
        daily_figures_store.totals_between(cursor, school_id, days.first, days.last),
        daily_figures_store.decision_times_between(cursor, school_id, days.first, days.last),
    )
