"""Quiet hours: the part of each night, in the school's time zone, when reminders wait.

A window is a start and an end on the wall clock; an end before the start runs across
midnight (21:00-08:00). Start equal to end means no quiet hours. A reminder due inside the
window is held until the first instant the wall clock shows the end, which on a day the
clocks change may not exist (then: the moment after the jump) or exist twice (the first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = timezone.utc


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    @property
    def enabled(self) -> bool:
        return self.start != self.end

    @property
    def crosses_midnight(self) -> bool:
        return self.end < self.start

    def covers(self, wall_clock: time) -> bool:
        """Whether a wall-clock time falls inside the window (start included, end not)."""
        if not self.enabled:
            return False
        if self.crosses_midnight:
            return wall_clock >= self.start or wall_clock < self.end
        return self.start <= wall_clock < self.end

    @classmethod
    def parse(cls, start: str, end: str) -> "QuietHours":
        """From 'HH:MM' strings; ValueError names the one that is wrong."""
        return cls(_clock(start, "start"), _clock(end, "end"))


def _clock(text: str, which: str) -> time:
    try:
        return time.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"quiet hours {which} must be HH:MM, got {text!r}") from None


def school_zone(name: str) -> tzinfo:
    """The IANA zone of that name; ValueError when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown time zone {name!r}") from None


def is_quiet_time(moment: datetime, hours: QuietHours, zone: tzinfo) -> bool:
    return hours.covers(_wall_clock(moment, zone).time())


def quiet_until(moment: datetime, hours: QuietHours, zone: tzinfo) -> datetime:
    """When something due at `moment` may go: `moment` itself, or the end of the window."""
    if not is_quiet_time(moment, hours, zone):
        return moment
    local = _wall_clock(moment, zone)
    day = local.date()
    if hours.crosses_midnight and local.time() >= hours.start:
        day += timedelta(days=1)  # in the evening part: the window ends tomorrow morning
    return first_instant_showing(datetime.combine(day, hours.end), zone)


def first_instant_showing(wall: datetime, zone: tzinfo) -> datetime:
    """The first UTC instant at which the zone's clock reads `wall` (naive) or later."""
    earlier = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if _wall_clock(earlier, zone) == wall:
        return earlier  # exists (once, or twice when clocks go back: fold 0 is the first)
    # Skipped when the clocks went forward. fold=1 reads it with the offset after the jump,
    # which lands before the gap; fold=0 with the offset before, after it. The answer is the
    # jump itself: the first instant in between whose wall clock has passed `wall`.
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = earlier
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if _wall_clock(middle, zone) >= wall:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0) if high.microsecond else high


def _wall_clock(moment: datetime, zone: tzinfo) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).replace(tzinfo=None)
