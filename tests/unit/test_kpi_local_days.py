"""Placing moments on a school's local days, and the ranges of days a report may span."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from shared.local_days import (
    BadRange,
    UnknownTimeZone,
    day_range,
    local_day,
    quarter_hour_day,
    utc_window,
    yesterday,
    zone,
)

NEW_YORK = zone("America/New_York")
KOLKATA = zone("Asia/Kolkata")


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def test_the_last_second_before_local_midnight_belongs_to_the_day_before():
    assert local_day(utc(2025, 11, 13, 4, 59, 59), NEW_YORK) == date(2025, 11, 12)


def test_local_midnight_starts_the_next_day():
    assert local_day(utc(2025, 11, 13, 5, 0, 0), NEW_YORK) == date(2025, 11, 13)


def test_a_naive_moment_is_taken_as_utc_as_the_databases_store_it():
    assert local_day(datetime(2025, 11, 13, 4, 59), NEW_YORK) == date(2025, 11, 12)


def test_a_half_hour_zone_places_the_boundary_on_the_half_hour():
    assert local_day(utc(2025, 11, 12, 18, 29), KOLKATA) == date(2025, 11, 12)
    assert local_day(utc(2025, 11, 12, 18, 30), KOLKATA) == date(2025, 11, 13)


def test_after_the_spring_change_midnight_is_an_hour_earlier_in_utc():
    # New York: EST (UTC-5) until 2025-03-09 02:00, EDT (UTC-4) after.
    assert local_day(utc(2025, 3, 10, 3, 59), NEW_YORK) == date(2025, 3, 9)
    assert local_day(utc(2025, 3, 10, 4, 0), NEW_YORK) == date(2025, 3, 10)


def test_the_day_of_the_spring_change_lasts_23_hours():
    start, end = utc_window(date(2025, 3, 9), date(2025, 3, 9), NEW_YORK)

    assert (start, end) == (utc(2025, 3, 9, 5), utc(2025, 3, 10, 4))


def test_the_day_of_the_autumn_change_lasts_25_hours():
    start, end = utc_window(date(2025, 11, 2), date(2025, 11, 2), NEW_YORK)

    assert (end - start).total_seconds() == 25 * 3600


def test_the_repeated_hour_of_the_autumn_change_stays_on_its_day():
    # 01:30 happens twice on 2025-11-02 (EDT, then EST): both are that day.
    assert local_day(utc(2025, 11, 2, 5, 30), NEW_YORK) == date(2025, 11, 2)
    assert local_day(utc(2025, 11, 2, 6, 30), NEW_YORK) == date(2025, 11, 2)


def test_yesterday_is_the_schools_own_yesterday():
    now = utc(2025, 11, 13, 3, 0)  # already the 13th in UTC, still the 12th in New York

    assert yesterday(now, NEW_YORK) == date(2025, 11, 11)
    assert yesterday(now, zone("UTC")) == date(2025, 11, 12)


def test_quarter_hours_are_placed_on_local_days():
    anchor_offset = (utc(2025, 11, 13, 4, 45) - utc(2000, 1, 1)).total_seconds() // 900

    assert quarter_hour_day(anchor_offset, NEW_YORK) == date(2025, 11, 12)
    assert quarter_hour_day(anchor_offset + 1, NEW_YORK) == date(2025, 11, 13)


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "../etc/passwd", "/etc/localtime"])
def test_a_made_up_time_zone_is_refused(name):
    with pytest.raises(UnknownTimeZone):
        zone(name)


def test_a_range_of_366_days_is_allowed():
    assert len(day_range(date(2024, 1, 1), date(2024, 12, 31)).days) == 366


def test_a_range_longer_than_366_days_is_refused_naming_to():
    with pytest.raises(BadRange) as refused:
        day_range(date(2024, 1, 1), date(2025, 1, 1))

    assert refused.value.field == "to"


def test_a_range_that_runs_backwards_is_refused_naming_to():
    with pytest.raises(BadRange, match="before from") as refused:
        day_range(date(2025, 11, 2), date(2025, 11, 1))

    assert refused.value.field == "to"
