"""The KPI arithmetic: medians, rates, outstanding amounts, a day's figures from its ledger
entries, and a range added up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kpi.domain.figures import (
    KindTotal,
    MarketingFigures,
    RangeTotals,
    RevenueFigures,
    conversion_rate,
    day_figures,
    median_hours,
    outstanding_minor,
    summarise,
)
from kpi.domain.ledger import Kind

HOUR = 3_600_000_000  # microseconds
DAY = date(2025, 11, 13)


def test_the_median_of_an_odd_count_is_the_middle_value_in_hours():
    assert median_hours([5 * HOUR, 1 * HOUR, 30 * HOUR]) == Decimal("5.00")


def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_values():
    assert median_hours([1 * HOUR, 2 * HOUR, 4 * HOUR, 50 * HOUR]) == Decimal("3.00")


def test_the_median_is_rounded_to_the_hundredth_of_an_hour():
    assert median_hours([HOUR // 3]) == Decimal("0.33")


def test_no_decisions_have_no_median():
    assert median_hours([]) is None


def test_a_decision_dated_before_its_submission_counts_as_immediate():
    assert median_hours([-2 * HOUR]) == Decimal("0.00")


def test_the_conversion_rate_is_enrollments_per_lead():
    assert conversion_rate(leads=8, enrollments=2) == Decimal("0.2500")


def test_the_conversion_rate_is_rounded_to_four_places():
    assert conversion_rate(leads=3, enrollments=1) == Decimal("0.3333")


def test_without_leads_there_is_no_conversion_rate():
    assert conversion_rate(leads=0, enrollments=3) is None


def test_outstanding_is_what_was_invoiced_less_what_was_paid_against_it():
    assert outstanding_minor(invoiced_minor=50_000, collected_against_minor=18_000) == 32_000


def test_a_days_figures_count_each_kind_and_add_its_amounts():
    figures = day_figures(
        DAY,
        {
            Kind.LEAD: KindTotal(4),
            Kind.APPROVAL: KindTotal(2),
            Kind.ENROLLMENT: KindTotal(1),
            Kind.INVOICED: KindTotal(2, 30_000, "USD"),
            Kind.COLLECTED: KindTotal(1, 9_000, "USD"),
            Kind.AUTOPAY: KindTotal(1, 0, "USD"),
        },
        {"web": 3, "unspecified": 1},
        collected_against_minor=12_000,
        durations_us=[2 * HOUR, 4 * HOUR],
    )

    assert figures.marketing == MarketingFigures(
        leads=4, approvals=2, enrollments=1, median_hours_to_decision=Decimal("3.00")
    )
    assert figures.revenue == RevenueFigures(
        "USD",
        invoiced_minor=30_000,
        collected_minor=9_000,
        outstanding_minor=18_000,
        autopay_enrollments=1,
    )
    assert figures.leads_by_source == {"web": 3, "unspecified": 1}


def test_a_day_with_only_payments_has_no_marketing_row():
    figures = day_figures(DAY, {Kind.COLLECTED: KindTotal(1, 9_000, "EUR")}, {}, 0, [])

    assert figures.marketing is None
    assert figures.revenue == RevenueFigures("EUR", collected_minor=9_000)


def test_a_day_with_only_leads_has_no_revenue_row():
    assert day_figures(DAY, {Kind.LEAD: KindTotal(2)}, {"web": 2}, 0, []).revenue is None


def test_a_range_summary_rates_its_totals_and_takes_the_median_over_all_its_decisions():
    totals = RangeTotals(
        {"leads": 4, "approvals": 1, "rejections": 1, "enrollments": 1},
        {"invoiced_minor": 100, "collected_minor": 100, "outstanding_minor": 100},
        {"web": 3, "fair": 1},
    )

    summary = summarise(
        date(2025, 11, 1), date(2025, 11, 2), "USD", totals, [9 * HOUR, 1 * HOUR, 7 * HOUR]
    )

    assert summary.counts == {
        "leads": 4,
        "reviews_started": 0,
        "info_requests": 0,
        "approvals": 1,
        "rejections": 1,
        "enrollments": 1,
        "withdrawals": 0,
    }
    assert summary.revenue == {
        "invoiced_minor": 100,
        "collected_minor": 100,
        "outstanding_minor": 100,
        "autopay_enrollments": 0,
    }
    assert list(summary.leads_by_source) == ["fair", "web"]
    assert summary.conversion_rate == Decimal("0.2500")
    assert summary.median_hours_to_decision == Decimal("7.00")


def test_a_range_without_rows_or_decisions_has_zeros_and_no_rate_or_median():
    summary = summarise(date(2025, 11, 1), date(2025, 11, 2), "USD", RangeTotals({}, {}, {}), [])

    assert set(summary.counts.values()) == {0} and set(summary.revenue.values()) == {0}
    assert (summary.conversion_rate, summary.median_hours_to_decision) == (None, None)
