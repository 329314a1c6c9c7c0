"""Comparing the KPI figures of a range with the registrar's own counts."""

from __future__ import annotations

from datetime import date

from kpi.domain.figures import DayFigures, MarketingFigures, RevenueFigures
from kpi.domain.reconciliation import differences, flat_figures

NOV_1, NOV_2 = date(2025, 11, 1), date(2025, 11, 2)


def test_days_that_agree_have_no_differences():
    figures = {NOV_1: {"leads": 3, "invoiced_minor": 500}}

    assert differences([NOV_1, NOV_2], figures, {NOV_1: {"leads": 3, "invoiced_minor": 500}}) == []


def test_each_figure_that_disagrees_is_one_difference_with_both_values():
    [difference] = differences([NOV_1], {NOV_1: {"leads": 3}}, {NOV_1: {"leads": 4}})

    assert (difference.day, difference.figure, difference.kpi, difference.registrar) == (
        NOV_1,
        "leads",
        3,
        4,
    )
    assert str(difference) == "2025-11-01 leads: kpi=3 registrar=4 (-1)"


def test_a_day_missing_on_one_side_counts_as_zero_there():
    [difference] = differences([NOV_2], {}, {NOV_2: {"approvals": 1}})

    assert (difference.figure, difference.kpi, difference.registrar) == ("approvals", 0, 1)


def test_a_day_without_rows_flattens_to_zeros():
    assert set(flat_figures(DayFigures(NOV_1)).values()) == {0}


def test_a_days_rows_flatten_to_their_figures():
    flat = flat_figures(
        DayFigures(NOV_1, MarketingFigures(leads=2), RevenueFigures("USD", collected_minor=700))
    )

    assert (flat["leads"], flat["collected_minor"], flat["approvals"]) == (2, 700, 0)
