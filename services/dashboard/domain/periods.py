"""The days a dashboard shows, and the days it compares them with.

A period is a preset (the school's last 7, 30 or 90 local days, today included) or a chosen
from..to; its previous period is the same number of days just before it. Pure date maths: the
school's "today" comes in from the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from shared.local_days import MAX_RANGE_DAYS, days_in

PRESETS = {"7d": 7, "30d": 30, "90d": 90}
# A month is what a school admin looks at most mornings.
DEFAULT_PRESET = "30d"
# The KPI service answers at most this many days per call (shared.local_days); each period and
# its previous period are asked for separately, so each may be that long.
MAX_DAYS = MAX_RANGE_DAYS
# No school has figures before this (the KPI service counts quarter hours from 2000 on).
EARLIEST_DAY = date(2000, 1, 1)


class BadPeriod(ValueError):
    """A period that cannot be shown; `field` names the query field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def length(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def days(self) -> list[date]:
        return days_in(self.first, self.last)

    def previous(self) -> "Period":
        """The same number of days, ending the day before this period starts."""
        last = self.first - timedelta(days=1)
        return Period(last - timedelta(days=self.length - 1), last)


@dataclass(frozen=True)
class Selection:
    """What a dashboard shows: `preset` ("7d"...) or None for chosen dates."""

    preset: str | None
    period: Period

    @property
    def previous(self) -> Period:
        return self.period.previous()


def preset_period(preset: str, today: date) -> Period:
    """The last `preset` days up to and including today."""
    if preset not in PRESETS:
        raise BadPeriod("range", f"Must be one of {', '.join(PRESETS)}.")
    return Period(today - timedelta(days=PRESETS[preset] - 1), today)


def choose(
    today: date, preset: str | None = None, first: date | None = None, last: date | None = None
) -> Selection:
    """The selection a query asks for: a preset, or from and to, or (neither) the default."""
    if preset is not None and (first is not None or last is not None):
        raise BadPeriod("range", "Choose either range or from and to, not both.")
    if first is None and last is None:
        chosen = preset or DEFAULT_PRESET
        return Selection(chosen, preset_period(chosen, today))
    if first is None:
        raise BadPeriod("from", "Missing: from and to go together.")
    if last is None:
        raise BadPeriod("to", "Missing: from and to go together.")
    return Selection(None, chosen_period(first, last, today))


def chosen_period(first: date, last: date, today: date) -> Period:
    """first..last, both included: from 2000 on, not after the school's today, at most
    MAX_DAYS long."""
    if first < EARLIEST_DAY:
        raise BadPeriod("from", f"Must not be before {EARLIEST_DAY.isoformat()}.")
    if last > today:
        raise BadPeriod("to", f"Must not be after today ({today.isoformat()}).")
    if last < first:
        raise BadPeriod("to", "Must not be before from.")
    period = Period(first, last)
    if period.length > MAX_DAYS:
        raise BadPeriod("to", f"The range may span at most {MAX_DAYS} days.")
    return period
