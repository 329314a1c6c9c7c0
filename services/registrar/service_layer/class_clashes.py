"""Whether a teacher's new or changed class would clash with their other classes in use, and
the free times to suggest instead: read-only for the inline warning (check_schedule), and
inside the writing transaction, under the teacher's lock, for the refusal (refuse_clashes).
"""

from __future__ import annotations

from datetime import date, time

from registrar.adapters import class_edits_store, classes_store
from registrar.domain.scheduling import WEEKDAYS, Slot
from registrar.domain.timetable import TeacherClass, free_slots_near, teacher_clashes
from shared import errors

# Free times offered next to a clash: a short list reads at a glance.
FREE_SLOT_LIMIT = 5

TEACHER_DOUBLE_BOOKED = "teacher_double_booked"


class TeacherClash(errors.Conflict):
    code = "schedule_conflict"

    def __init__(self, found: dict):
        super().__init__(
            "this class would double-book its teacher: "
            + "; ".join(conflict["message"] for conflict in found["conflicts"]),
            details=found,
        )


def check_schedule(connection, school_id: int, fields: dict, leaving_out: int | None) -> dict:
    """{"conflicts": [...], "free_slots": [...]} for the class `fields` describe (teacher and
    slot), leaving out the class being edited; raises NotFound for a teacher or class that is
    not the school's. No locks: a moment later the save settles it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM teachers WHERE id = %s AND school_id = %s",
            (fields["teacher_id"], school_id),
        )
        if cursor.fetchone() is None:
            raise errors.NotFound("teacher")
        if leaving_out is not None:
            classes_store.schedule_teacher(cursor, school_id, leaving_out)  # NotFound
        return clashes_of(cursor, school_id, fields, leaving_out)


def refuse_clashes(cursor, school_id: int, fields: dict, leaving_out: int | None) -> None:
    """Raise TeacherClash when the class would clash (the caller holds the teacher's lock)."""
    found = clashes_of(cursor, school_id, fields, leaving_out)
    if found["conflicts"]:
        raise TeacherClash(found)


def clashes_of(cursor, school_id: int, fields: dict, leaving_out: int | None) -> dict:
    others = class_edits_store.teacher_classes(cursor, school_id, fields["teacher_id"], leaving_out)
    slot = slot_of(fields)
    by_id = {row["id"]: row for row in others}
    clashes = teacher_clashes(
        slot, [TeacherClass(row["id"], row["name"], slot_of(row)) for row in others]
    )
    if not clashes:
        return {"conflicts": [], "free_slots": []}
    free = free_slots_near(slot, [slot_of(row) for row in others], FREE_SLOT_LIMIT)
    return {
        "conflicts": [_described(by_id[c.other.schedule_id], c.first_clash_on) for c in clashes],
        "free_slots": [_free_slot(candidate) for candidate in free],
    }


def slot_of(fields: dict) -> Slot:
    """The slot of a class, from typed fields (times and dates) or a stored row (text)."""
    return Slot(
        fields["weekday"],
        _clock(fields["start_time"]),
        _clock(fields["end_time"]),
        _day(fields["starts_on"]),
        _day(fields["ends_on"]),
    )


def _described(row: dict, first_clash_on: date) -> dict:
    return {
        "kind": TEACHER_DOUBLE_BOOKED,
        "schedule_id": row["id"],
        "schedule_name": row["name"],
        "teacher_id": row["teacher_id"],
        "teacher_name": row["teacher_name"],
        "weekday": row["weekday"],
        "start_time": row["start_time"],
        "end_time": row["end_time"],
        "starts_on": row["starts_on"],
        "ends_on": row["ends_on"],
        "first_clash_on": first_clash_on.isoformat(),
        "message": f"{row['teacher_name']} already teaches {row['name']} "
        f"({WEEKDAYS[row['weekday']]} {row['start_time']}-{row['end_time']}), "
        f"first on {first_clash_on.isoformat()}",
    }


def _free_slot(slot: Slot) -> dict:
    return {
        "weekday": slot.weekday,
        "start_time": slot.start.strftime("%H:%M"),
        "end_time": slot.end.strftime("%H:%M"),
        "starts_on": slot.starts_on.isoformat(),
        "ends_on": slot.ends_on.isoformat(),
    }


def _clock(value) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
