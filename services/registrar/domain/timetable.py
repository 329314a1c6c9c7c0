"""A teacher's week as the classes page plans it, with no I/O: which of the teacher's classes a
new or changed class would clash with, the free times to suggest instead, and the week grid
(hours down, weekdays across) the page draws.

Clashes are scheduling.first_clash: same weekday, terms sharing a day of it, overlapping
half-open times. Unlike a placement (scheduling.conflicts_for), a teacher may not have two
clashing classes on the books at all, students or not: the second one is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterable

from registrar.domain.scheduling import Slot, first_clash, meeting_count

# Suggested times stay inside the hours a school plausibly teaches, so a suggestion is never
# a class at 03:00.
TEACHING_DAY_START = time(7, 0)
TEACHING_DAY_END = time(22, 0)
# Suggestions move by half hours from the time asked for: near it, and on the same grid.
SUGGESTION_STEP = timedelta(minutes=30)


@dataclass(frozen=True)
class TeacherClass:
    """One of a teacher's classes as the timetable sees it."""

    schedule_id: int
    name: str
    slot: Slot


@dataclass(frozen=True)
class Clash:
    other: TeacherClass
    first_clash_on: date


def teacher_clashes(slot: Slot, teacher_classes: Iterable[TeacherClass]) -> list[Clash]:
    """The teacher's classes the slot would clash with, by weekday and time."""
    found = []
    for other in teacher_classes:
        day = first_clash(slot, other.slot)
        if day is not None:
            found.append(Clash(other, day))
    return sorted(found, key=lambda c: (c.other.slot.start, c.other.schedule_id))


def free_slots_near(slot: Slot, busy: Iterable[Slot], limit: int) -> list[Slot]:
    """Up to `limit` slots of the same length and term that clash with none of `busy`: first
    on the same weekday, nearest to the time asked for (earlier before later at the same
    distance), then on the following weekdays, again nearest that time. A weekday the term
    does not contain is never suggested."""
    taken = list(busy)
    length = _minutes(slot.end) - _minutes(slot.start)
    candidates = []
    for offset in range(7):
        weekday = (slot.weekday + offset) % 7
        for start in _starts_near(slot.start, length):
            candidate = Slot(weekday, start, _at(_minutes(start) + length), *_term(slot))
            distance = abs(_minutes(start) - _minutes(slot.start))
            candidates.append(((offset, distance, start), candidate))
    chosen = []
    for _order, candidate in sorted(candidates, key=lambda pair: pair[0]):
        if candidate == slot or meeting_count(candidate) == 0:
            continue
        if any(first_clash(candidate, other) for other in taken):
            continue
        chosen.append(candidate)
        if len(chosen) == limit:
            break
    return chosen


@dataclass(frozen=True)
class GridEntry:
    """A class in one hour of the grid; `starts_here` on the hour it begins in (later hours
    of a long class say it continues)."""

    schedule_id: int
    name: str
    start: time
    end: time
    starts_here: bool


@dataclass(frozen=True)
class GridRow:
    hour: time
    days: tuple[tuple[GridEntry, ...], ...]  # Monday first, seven of them


def week_grid(classes: Iterable[TeacherClass]) -> list[GridRow]:
    """One row per hour from the earliest class's start to the latest one's end, each with
    the classes meeting in that hour on each weekday (by start time); no classes, no rows."""
    listed = sorted(classes, key=lambda c: (c.slot.start, c.slot.end, c.schedule_id))
    if not listed:
        return []
    first_hour = min(c.slot.start.hour for c in listed)
    last_hour = max(_hour_of_last_minute(c.slot.end) for c in listed)
    rows = []
    for hour in range(first_hour, last_hour + 1):
        days = tuple(
            tuple(
                GridEntry(c.schedule_id, c.name, c.slot.start, c.slot.end, _begins_in(c, hour))
                for c in listed
                if c.slot.weekday == weekday and _meets_in(c, hour)
            )
            for weekday in range(7)
        )
        rows.append(GridRow(time(hour), days))
    return rows


# -- minutes of the day ---------------------------------------------------------------------


def _starts_near(asked: time, length: int) -> list[time]:
    """Start times a step apart from the asked one, inside the teaching day."""
    step = int(SUGGESTION_STEP.total_seconds() // 60)
    first, last = _minutes(TEACHING_DAY_START), _minutes(TEACHING_DAY_END) - length
    asked_minutes = _minutes(asked)
    earliest = asked_minutes - ((asked_minutes - first) // step) * step
    return [_at(m) for m in range(earliest, last + 1, step)]


def _term(slot: Slot) -> tuple[date, date]:
    return slot.starts_on, slot.ends_on


def _meets_in(c: TeacherClass, hour: int) -> bool:
    return _minutes(c.slot.start) < (hour + 1) * 60 and _minutes(c.slot.end) > hour * 60


def _begins_in(c: TeacherClass, hour: int) -> bool:
    return c.slot.start.hour == hour


def _hour_of_last_minute(end: time) -> int:
    """The hour a class ending at `end` is last in: one ending on the hour is not in it."""
    return (_minutes(end) - 1) // 60


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _at(minutes: int) -> time:
    return (datetime.min + timedelta(minutes=minutes)).time()
