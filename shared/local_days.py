"""A school's local days: which calendar day a moment falls on in the school's time zone, and
the UTC window a range of local days covers. Pure functions (zoneinfo only), shared by the KPI
service and the registrar's reports so both place a moment on the same day.

Every time in the databases is UTC; a day is always a school's local day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Longest range a report or series may span: a leap year, so "the last twelve months" fits.
MAX_RANGE_DAYS = 366
# Local days start on a quarter hour of UTC in every zone in use (offsets are multiples of
# 15 minutes), so counts grouped by UTC quarter hour can be placed on local days exactly.
# Quarter hours are numbered from this UTC midnight (SQL: TIMESTAMPDIFF(MINUTE, anchor, t) DIV
# 15, which, unlike UNIX_TIMESTAMP, has no 2038 limit on MySQL 5.7).
QUARTER_HOUR_ANCHOR = datetime(2000, 1, 1, tzinfo=timezone.utc)


class UnknownTimeZone(ValueError):
    """Not an IANA time zone name this machine knows."""


def zone(name: str) -> ZoneInfo:
    """The time zone called `name` (e.g. "America/New_York"); UnknownTimeZone otherwise."""
    if not isinstance(name, str) or not name or name.startswith(("/", ".")) or ".." in name:
        raise UnknownTimeZone(f"{name!r} is not a time zone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(f"{name!r} is not a time zone") from None


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already (as the databases hold)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    """The calendar day `moment` falls on in `tz`."""
    return as_utc(moment).astimezone(tz).date()


def day_start_utc(day: date, tz: ZoneInfo) -> datetime:
    """The first moment of local `day`, in UTC (aware). Where a clock change skips midnight
    itself, the day starts when the clocks jump (a skipped time takes the offset in force
    before the change, PEP 495), still on `day`."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(timezone.utc)


def utc_window(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC covering local days first..last inclusive (aware datetimes)."""
    return day_start_utc(first, tz), day_start_utc(last + timedelta(days=1), tz)


def days_in(first: date, last: date) -> list[date]:
    """Every day from first to last, both included."""
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def yesterday(now: datetime, tz: ZoneInfo) -> date:
    """The local day before the one `now` falls on: what the nightly job rebuilds."""
    return local_day(now, tz) - timedelta(days=1)


@dataclass(frozen=True)
class DayRange:
    first: date
    last: date

    @property
    def days(self) -> list[date]:
        return days_in(self.first, self.last)

    def previous(self) -> "DayRange":
        """The same number of days, ending the day before this range starts: what a period
        is compared with. BadRange when that would begin before the calendar does."""
        length = self.last - self.first
        try:
            last = self.first - timedelta(days=1)
            return DayRange(last - length, last)
        except OverflowError:
            raise BadRange("from", "Too early: the days before it are not dates.") from None


class BadRange(ValueError):
    """A range of days that cannot be served; `field` names the query field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def day_range(first: date, last: date, max_days: int = MAX_RANGE_DAYS) -> DayRange:
    """The range first..last, refused when it runs backwards or spans more than max_days."""
    if last < first:
        raise BadRange("to", "Must not be before from.")
    if (last - first).days + 1 > max_days:
        raise BadRange("to", f"The range may span at most {max_days} days.")
    return DayRange(first, last)


def quarter_hour_day(quarter: int, tz: ZoneInfo) -> date:
    """The local day of UTC quarter hour number `quarter` (counted from QUARTER_HOUR_ANCHOR)."""
    return local_day(QUARTER_HOUR_ANCHOR + timedelta(minutes=15 * int(quarter)), tz)
