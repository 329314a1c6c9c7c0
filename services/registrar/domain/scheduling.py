"""Weekly class slots and when a placement would double-book someone: the rules, with no I/O.

A class meets every `weekday` (0 = Monday) from `start` to `end` on the days of its term,
`starts_on` to `ends_on`, both included. Times are half-open: a class ending at 10:00 and one
starting at 10:00 do not clash. Two slots clash when there is at least one day on which both
meet (same weekday, inside both terms) and their times overlap; a term ending on the day
another begins shares that one day, which counts only if it is the classes' weekday.

A placement is refused when the class is full, when the class's teacher already teaches a
clashing class that has students, or when the student already sits in a clashing class
(through another registration of the same child).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Iterable

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

SCHEDULE_FULL = "schedule_full"
TEACHER_DOUBLE_BOOKED = "teacher_double_booked"
STUDENT_DOUBLE_BOOKED = "student_double_booked"


@dataclass(frozen=True)
class Slot:
    weekday: int
    start: time
    end: time
    starts_on: date
    ends_on: date


def first_meeting(slot: Slot, on_or_after: date) -> date:
    """The first day on or after `on_or_after` that falls on the slot's weekday."""
    return on_or_after + timedelta(days=(slot.weekday - on_or_after.weekday()) % 7)


def meeting_count(slot: Slot) -> int:
    """How many times the class meets in its term (0 if the term misses its weekday)."""
    first = first_meeting(slot, slot.starts_on)
    if first > slot.ends_on:
        return 0
    return (slot.ends_on - first).days // 7 + 1


def times_overlap(a: Slot, b: Slot) -> bool:
    return a.start < b.end and b.start < a.end


def first_clash(a: Slot, b: Slot) -> date | None:
    """The first day both slots meet at overlapping times, or None if they never do."""
    if a.weekday != b.weekday or not times_overlap(a, b):
        return None
    shared_from, shared_to = max(a.starts_on, b.starts_on), min(a.ends_on, b.ends_on)
    if shared_from > shared_to:
        return None
    day = first_meeting(a, shared_from)
    return day if day <= shared_to else None


def slot_errors(slot: Slot, capacity: int) -> dict[str, list[str]]:
    """What is wrong with a new schedule, by field (empty when it is fine)."""
    errors: dict[str, list[str]] = {}
    if not 0 <= slot.weekday <= 6:
        errors["weekday"] = ["must be 0 (Monday) to 6 (Sunday)"]
    if slot.end <= slot.start:
        errors["end_time"] = ["must be after start_time"]
    if slot.ends_on < slot.starts_on:
        errors["ends_on"] = ["must be on or after starts_on"]
    elif "weekday" not in errors and meeting_count(slot) == 0:
        errors["weekday"] = [f"the term has no {WEEKDAYS[slot.weekday]}"]
    if capacity < 1:
        errors["capacity"] = ["must be at least 1"]
    return errors


@dataclass(frozen=True)
class ClassSlot:
    """A schedule as the conflict rules see it. `taken` counts the seats held by other
    registrations than the one being placed (its own seat is about to move)."""

    schedule_id: int
    teacher_id: int
    slot: Slot
    capacity: int
    taken: int
    program: str | None = None

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.taken, 0)


@dataclass(frozen=True)
class StudentPlacement:
    """Where another registration of the same child sits."""

    registration_id: int
    schedule: ClassSlot


@dataclass(frozen=True)
class Conflict:
    kind: str
    schedule_id: int
    first_clash_on: date | None = None
    registration_id: int | None = None
    capacity: int | None = None
    taken: int | None = None


def conflicts_for(
    target: ClassSlot,
    school_classes: Iterable[ClassSlot],
    student_placements: Iterable[StudentPlacement],
) -> list[Conflict]:
    """Every reason placing a student in `target` would double-book (empty: it is fine)."""
    found: list[Conflict] = []
    if target.taken >= target.capacity:
        found.append(
            Conflict(
                SCHEDULE_FULL, target.schedule_id, capacity=target.capacity, taken=target.taken
            )
        )
    for other in school_classes:
        if (
            other.teacher_id != target.teacher_id
            or other.schedule_id == target.schedule_id
            or other.taken == 0
        ):
            continue
        day = first_clash(target.slot, other.slot)
        if day is not None:
            found.append(Conflict(TEACHER_DOUBLE_BOOKED, other.schedule_id, day))
    for placement in student_placements:
        day = first_clash(target.slot, placement.schedule.slot)
        if day is not None:
            found.append(
                Conflict(
                    STUDENT_DOUBLE_BOOKED,
                    placement.schedule.schedule_id,
                    day,
                    registration_id=placement.registration_id,
                )
            )
    return found


def suggest_free_slots(
    target: ClassSlot,
    school_classes: Iterable[ClassSlot],
    student_placements: Iterable[StudentPlacement],
    today: date,
    limit: int,
) -> list[ClassSlot]:
    """Other classes of the same teacher or program that still run, have a seat, and would
    not double-book anyone: the alternatives to offer next to a conflict."""
    classes = list(school_classes)
    placements = list(student_placements)
    chosen: list[ClassSlot] = []
    for candidate in sorted(classes, key=lambda c: (c.slot.weekday, c.slot.start, c.schedule_id)):
        related = candidate.teacher_id == target.teacher_id or (
            target.program is not None and candidate.program == target.program
        )
        if (
            candidate.schedule_id == target.schedule_id
            or not related
            or candidate.slot.ends_on < today
            or conflicts_for(candidate, classes, placements)
        ):
            continue
        chosen.append(candidate)
        if len(chosen) == limit:
            break
    return chosen
