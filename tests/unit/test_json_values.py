"""registrar.adapters.json_values.json_value: how the outbox writes the dates, clock times
and moments a use case puts in an event's payload."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from registrar.adapters.json_values import json_value


def dumped(value) -> str:
    return json.loads(json.dumps({"value": value}, default=json_value))["value"]


def test_a_moment_is_utc_with_a_z():
    assert dumped(datetime(2026, 11, 25, 21, 34, 2, 123456)) == "2026-11-25T21:34:02.123456Z"


def test_a_date_is_iso():
    assert dumped(date(2026, 9, 1)) == "2026-09-01"


def test_a_time_column_read_as_a_timedelta_is_hh_mm():
    assert dumped(timedelta(hours=9, minutes=5)) == "09:05"
    assert dumped(time(16, 30)) == "16:30"


def test_anything_else_is_its_text():
    assert dumped(Decimal("180.00")) == "180.00"
