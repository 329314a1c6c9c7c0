"""The dashboard's periods: presets, chosen dates, and the period each is compared with."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.domain.periods import BadPeriod, Period, choose, preset_period

TODAY = date(2026, 11, 25)


def test_a_preset_is_the_last_days_up_to_and_including_today():
    assert preset_period("7d", TODAY) == Period(date(2026, 11, 19), TODAY)
    assert preset_period("30d", TODAY).length == 30
    assert preset_period("90d", TODAY).first == date(2026, 8, 28)


def test_the_previous_period_is_as_long_and_ends_the_day_before():
    assert Period(date(2026, 11, 19), TODAY).previous() == Period(
        date(2026, 11, 12), date(2026, 11, 18)
    )


def test_the_previous_period_of_chosen_dates_crosses_a_month_and_a_leap_day():
    period = Period(date(2024, 3, 1), date(2024, 3, 10))

    assert period.previous() == Period(date(2024, 2, 20), date(2024, 2, 29))


def test_the_previous_period_of_a_single_day_is_the_day_before():
    assert Period(TODAY, TODAY).previous() == Period(date(2026, 11, 24), date(2026, 11, 24))


def test_no_choice_is_the_last_30_days():
    selection = choose(TODAY)

    assert (selection.preset, selection.period) == ("30d", preset_period("30d", TODAY))


def test_chosen_dates_make_a_period_without_a_preset():
    selection = choose(TODAY, first=date(2026, 10, 1), last=date(2026, 10, 31))

    assert selection.preset is None
    assert selection.period == Period(date(2026, 10, 1), date(2026, 10, 31))
    assert selection.previous == Period(date(2026, 8, 31), date(2026, 9, 30))


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"preset": "14d"}, "range"),
        ({"preset": "7d", "first": date(2026, 10, 1), "last": date(2026, 10, 2)}, "range"),
        ({"first": date(2026, 10, 1)}, "to"),
        ({"last": date(2026, 10, 1)}, "from"),
        ({"first": date(2026, 10, 2), "last": date(2026, 10, 1)}, "to"),
        ({"first": date(2025, 1, 1), "last": date(2026, 1, 2)}, "to"),
        ({"first": date(2026, 11, 1), "last": date(2026, 11, 26)}, "to"),
        ({"first": date(1999, 12, 31), "last": date(2000, 1, 5)}, "from"),
    ],
)
def test_a_period_that_cannot_be_shown_names_the_field_at_fault(kwargs, field):
    with pytest.raises(BadPeriod) as refused:
        choose(TODAY, **kwargs)

    assert refused.value.field == field


def test_a_range_of_366_days_is_allowed():
    assert choose(TODAY, first=date(2025, 11, 25), last=TODAY).period.length == 366
