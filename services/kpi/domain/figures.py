"""The figures of a school's day and of a range of days, and the rules that make them.

Marketing: leads (submissions, also by source), reviews started, info requests, approvals,
rejections, enrollments (conversions), and the median hours from submission to decision.
Revenue, in the school's currency and integer minor units: invoiced, collected, outstanding
(what is still unpaid of the invoices issued that day) and autopay enrollments.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Iterable, Mapping, Sequence

from kpi.domain.ledger import REVENUE_KINDS, Kind

# Kind of ledger entry -> the marketing figure it counts one for.
MARKETING_COUNTS: Mapping[Kind, str] = {
    Kind.LEAD: "leads",
    Kind.REVIEW: "reviews_started",
    Kind.INFO_REQUEST: "info_requests",
    Kind.APPROVAL: "approvals",
    Kind.REJECTION: "rejections",
    Kind.ENROLLMENT: "enrollments",
    Kind.WITHDRAWAL: "withdrawals",
}
MICROSECONDS_PER_HOUR = 3_600_000_000
# Hours to decision are shown to the hundredth (36 seconds): finer is noise for a dashboard.
HOURS_PLACES = Decimal("0.01")
# A rate is a fraction with four decimals (0.1234 = 12.34 %).
RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class MarketingFigures:
    leads: int = 0
    reviews_started: int = 0
    info_requests: int = 0
    approvals: int = 0
    rejections: int = 0
    enrollments: int = 0
    withdrawals: int = 0
    median_hours_to_decision: Decimal | None = None


@dataclass(frozen=True)
class RevenueFigures:
    currency: str
    invoiced_minor: int = 0
    collected_minor: int = 0
    outstanding_minor: int = 0
    autopay_enrollments: int = 0


@dataclass(frozen=True)
class DayFigures:
    """One local day of one school, as the daily tables hold it (None: no row that day)."""

    day: date
    marketing: MarketingFigures | None = None
    revenue: RevenueFigures | None = None
    leads_by_source: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class KindTotal:
    """How many ledger entries of one kind a day holds, their amounts' sum and currency."""

    entries: int
    amount_minor: int = 0
    currency: str | None = None


COUNT_FIELDS = tuple(
    f.name for f in fields(MarketingFigures) if f.name != "median_hours_to_decision"
)
REVENUE_FIELDS = ("invoiced_minor", "collected_minor", "outstanding_minor", "autopay_enrollments")


def median_hours(durations_us: Iterable[int]) -> Decimal | None:
    """The median of submission-to-decision durations (microseconds), in hours; None for none.

    A decision dated before its submission (clocks of two writers) counts as immediate."""
    values = sorted(durations_us)
    if not values:
        return None
    # Counting a negative duration as 0 keeps the order, so only the middle ones need it.
    low, high = values[(len(values) - 1) // 2], values[len(values) // 2]
    middle = Decimal(max(low, 0) + max(high, 0)) / 2
    return (middle / MICROSECONDS_PER_HOUR).quantize(HOURS_PLACES, rounding=ROUND_HALF_EVEN)


def conversion_rate(leads: int, enrollments: int) -> Decimal | None:
    """Enrollments per lead over the same days (a period rate, not a cohort's); None without
    leads."""
    if leads <= 0:
        return None
    return (Decimal(enrollments) / Decimal(leads)).quantize(RATE_PLACES, rounding=ROUND_HALF_EVEN)


def outstanding_minor(invoiced_minor: int, collected_against_minor: int) -> int:
    """What is still owed on a day's invoices: their total less what was paid against them,
    whenever it was paid."""
    return invoiced_minor - collected_against_minor


def day_figures(
    day: date,
    totals: Mapping[Kind, KindTotal],
    leads_by_source: Mapping[str, int],
    collected_against_minor: int,
    durations_us: Sequence[int],
) -> DayFigures:
    """A day's rows from its ledger entries: what daily-aggregate writes.

    `collected_against_minor` is what was collected (any day) against the invoices issued this
    day; `durations_us` the submission-to-decision times of the day's decisions."""
    counts = {
        name: totals[kind].entries for kind, name in MARKETING_COUNTS.items() if kind in totals
    }
    marketing = None
    if counts:
        marketing = MarketingFigures(**counts, median_hours_to_decision=median_hours(durations_us))
    revenue = None
    currencies = [
        totals[kind].currency for kind in REVENUE_KINDS if kind in totals and totals[kind].currency
    ]
    if currencies:
        invoiced = totals.get(Kind.INVOICED, KindTotal(0)).amount_minor
        revenue = RevenueFigures(
            currency=min(currencies),
            invoiced_minor=invoiced,
            collected_minor=totals.get(Kind.COLLECTED, KindTotal(0)).amount_minor,
            outstanding_minor=outstanding_minor(invoiced, collected_against_minor),
            autopay_enrollments=totals.get(Kind.AUTOPAY, KindTotal(0)).entries,
        )
    return DayFigures(day, marketing, revenue, dict(leads_by_source))


@dataclass(frozen=True)
class RangeTotals:
    """The daily rows of a range of days added up (zeros for a range without rows)."""

    counts: Mapping[str, int]
    revenue: Mapping[str, int]
    leads_by_source: Mapping[str, int]


@dataclass(frozen=True)
class Summary:
    """A range of days added up; the median is over every decision in the range."""

    first: date
    last: date
    currency: str
    counts: Mapping[str, int]
    revenue: Mapping[str, int]
    leads_by_source: Mapping[str, int]
    conversion_rate: Decimal | None
    median_hours_to_decision: Decimal | None


def summarise(
    first: date, last: date, currency: str, totals: RangeTotals, durations_us: Iterable[int]
) -> Summary:
    """The range's summary from its totals and every decision's duration in it (a median of
    daily medians would not be one)."""
    counts = {name: int(totals.counts.get(name, 0)) for name in COUNT_FIELDS}
    revenue = {name: int(totals.revenue.get(name, 0)) for name in REVENUE_FIELDS}
    return Summary(
        first,
        last,
        currency,
        counts,
        revenue,
        dict(sorted(totals.leads_by_source.items())),
        conversion_rate(counts["leads"], counts["enrollments"]),
        median_hours(durations_us),
    )
