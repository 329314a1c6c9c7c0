"""The token's school's figures (/api/kpi): a daily series and range totals, for the
dashboard and for Grafana."""

from __future__ import annotations

from flask_smorest import Blueprint

from kpi.entrypoints.views.figures.schemas import (
    ComparedRangeQuerySchema,
    DailySeriesSchema,
    PeriodOverviewSchema,
    SummarySchema,
    day_answer,
    summary_answer,
)
from kpi.service_layer import reports
from shared.local_days import DayRange
from shared.range_query import DayRangeQuerySchema
from shared.remote_access import current_principal, requires
from shared.web import lag_tolerant_read

blp = Blueprint(
    "kpi",
    __name__,
    url_prefix="/api/kpi",
    description="Marketing and revenue figures per local day of the token's school.",
)


@blp.route("/daily", methods=["GET"])
@requires()
@blp.arguments(DayRangeQuerySchema, location="query")
@blp.response(200, DailySeriesSchema)
def daily(days: DayRange):
    """Every local day from `from` to `to` (at most 366), zeros where nothing happened."""
    principal = current_principal()
    series = lag_tolerant_read("kpi", reports.daily_series, principal.school_id, days)
    return {**_school(principal, days), "days": [day_answer(figures) for figures in series]}


@blp.route("/summary", methods=["GET"])
@requires()
@blp.arguments(DayRangeQuerySchema, location="query")
@blp.response(200, SummarySchema)
def summary(days: DayRange):
    """The range added up; the median is over every decision in it."""
    principal = current_principal()
    totals = lag_tolerant_read(
        "kpi", reports.range_summary, principal.school_id, days, principal.currency
    )
    return {**_school(principal, days), **summary_answer(totals)}


@blp.route("/overview", methods=["GET"])
@requires()
@blp.arguments(ComparedRangeQuerySchema, location="query")
@blp.response(200, PeriodOverviewSchema)
def overview(days: DayRange):
    """The range's summary and its daily leads and enrollments, with the summary of the same
    number of days just before it: a period at a glance and what it is compared with, in one
    call."""
    principal = current_principal()
    figures = lag_tolerant_read(
        "kpi", reports.period_overview, principal.school_id, days, principal.currency
    )
    return {
        **_school(principal, days),
        "summary": _range_answer(figures.summary),
        "previous": _range_answer(figures.previous),
        "trend": figures.trend,
    }


def _range_answer(summary) -> dict:
    return {"first": summary.first, "last": summary.last, **summary_answer(summary)}


def _school(principal, days: DayRange) -> dict:
    return {
        "school_id": principal.school_id,
        "timezone": principal.timezone,
        "currency": principal.currency,
        "first": days.first,
        "last": days.last,
    }
