"""Quiet hours: which wall-clock times they cover, and when held mail may go, in the school's
time zone, across midnight and across the clock changes."""

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from notifier.domain.quiet_hours import (
    QuietHours,
    first_instant_showing,
    is_quiet_time,
    quiet_until,
    school_zone,
)

UTC = timezone.utc
NIGHT = QuietHours(time(21), time(8))
LUNCH = QuietHours(time(12), time(13, 30))
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "wall, quiet",
    [
        (time(20, 59), False),
        (time(21, 0), True),
        (time(23, 59), True),
        (time(0, 0), True),
        (time(7, 59), True),
        (time(8, 0), False),
        (time(12, 0), False),
    ],
)
def test_a_window_across_midnight_covers_the_evening_and_the_early_morning(wall, quiet):
    assert NIGHT.covers(wall) is quiet


@pytest.mark.parametrize(
    "wall, quiet",
    [(time(11, 59), False), (time(12, 0), True), (time(13, 29), True), (time(13, 30), False)],
)
def test_a_window_within_one_day_covers_from_its_start_to_its_end(wall, quiet):
    assert LUNCH.covers(wall) is quiet


def test_a_window_whose_start_is_its_end_covers_nothing():
    assert not QuietHours(time(8), time(8)).covers(time(8))
    assert not QuietHours(time(8), time(8)).enabled


def test_quiet_time_is_read_on_the_schools_wall_clock():
    # 02:00 UTC is 21:00 the evening before in New York (EST, UTC-5): quiet there, not in UTC.
    moment = utc(2026, 1, 15, 2, 0)
    assert is_quiet_time(moment, NIGHT, NEW_YORK)
    assert not is_quiet_time(utc(2026, 1, 15, 14, 0), NIGHT, NEW_YORK)


def test_outside_the_window_a_message_may_go_at_once():
    moment = utc(2026, 1, 15, 15, 0)  # 10:00 in New York
    assert quiet_until(moment, NIGHT, NEW_YORK) == moment


def test_in_the_evening_part_the_window_opens_the_next_morning():
    moment = utc(2026, 1, 15, 3, 0)  # 22:00 on the 14th in New York
    assert quiet_until(moment, NIGHT, NEW_YORK) == utc(2026, 1, 15, 13, 0)  # 08:00 EST


def test_in_the_early_morning_part_the_window_opens_the_same_morning():
    moment = utc(2026, 1, 15, 10, 0)  # 05:00 in New York
    assert quiet_until(moment, NIGHT, NEW_YORK) == utc(2026, 1, 15, 13, 0)


def test_a_window_within_one_day_opens_at_its_end_that_day():
    moment = utc(2026, 1, 15, 11, 15)  # 12:15 in Berlin (CET)
    assert quiet_until(moment, LUNCH, BERLIN) == utc(2026, 1, 15, 12, 30)


def test_the_night_the_clocks_go_forward_the_window_opens_at_eight_summer_time():
    # New York springs forward on 2026-03-08 at 02:00: 08:00 that morning is EDT (UTC-4).
    moment = utc(2026, 3, 8, 4, 0)  # 23:00 EST on the 7th
    assert quiet_until(moment, NIGHT, NEW_YORK) == utc(2026, 3, 8, 12, 0)


def test_the_night_the_clocks_go_back_the_window_opens_at_eight_winter_time():
    # New York falls back on 2026-11-01 at 02:00: 08:00 that morning is EST (UTC-5).
    moment = utc(2026, 11, 1, 3, 0)  # 23:00 EDT on 31 October
    assert quiet_until(moment, NIGHT, NEW_YORK) == utc(2026, 11, 1, 13, 0)


def test_an_end_the_clocks_skip_opens_the_window_when_they_jump():
    # 02:30 does not exist in New York on 2026-03-08: the clocks go from 01:59:59 to 03:00.
    window = QuietHours(time(22), time(2, 30))
    moment = utc(2026, 3, 8, 5, 0)  # 00:00 EST
    assert quiet_until(moment, window, NEW_YORK) == utc(2026, 3, 8, 7, 0)  # 03:00 EDT


def test_an_end_the_clocks_show_twice_opens_the_window_the_first_time():
    # 01:30 happens twice in New York on 2026-11-01: first EDT (05:30 UTC), then EST.
    assert first_instant_showing(datetime(2026, 11, 1, 1, 30), NEW_YORK) == utc(2026, 11, 1, 5, 30)


def test_a_held_message_is_released_at_a_moment_outside_the_window():
    for hour in range(24):
        moment = utc(2026, 3, 28, hour, 17)  # Berlin changes clocks on the 29th
        released = quiet_until(moment, NIGHT, BERLIN)
        assert released >= moment
        assert not is_quiet_time(released, NIGHT, BERLIN)


def test_an_unknown_time_zone_is_refused_by_name():
    with pytest.raises(ValueError, match="Mars/Olympus"):
        school_zone("Mars/Olympus")


def test_quiet_hours_are_parsed_from_clock_times_and_a_bad_one_is_named():
    assert QuietHours.parse("21:00", "07:30") == QuietHours(time(21), time(7, 30))
    with pytest.raises(ValueError, match="end"):
        QuietHours.parse("21:00", "25:00")
