"""Fixed-window arithmetic of registrar.adapters.throttle_store (no database)."""

from datetime import datetime, timedelta

from registrar.adapters.throttle_store import seconds_left

START = datetime(2026, 3, 1, 9, 0, 0)


def test_seconds_left_rounds_up():
    assert seconds_left(START, START + timedelta(seconds=10.2), 60) == 50


def test_at_least_one_second_is_left_at_the_very_end():
    assert seconds_left(START, START + timedelta(seconds=60), 60) == 1
