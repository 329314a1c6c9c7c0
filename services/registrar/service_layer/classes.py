"""The school's teachers and weekly classes: added, changed, archived and restored, each in
its own transaction with its audit entry.

A teacher never has two clashing classes in use: adding, changing or restoring a class that
would clash with another of the teacher's is refused with the clashes and free times instead
(class_clashes). A class keeps at least the seats it has given. Archived teachers and classes
are kept (placements, invoices and the trail name them) but no longer offered.

Locks, in the order placements take them: the class's row, then its teacher's; every change
to a teacher's classes queues on the teacher's row, so two registrars cannot add clashing
classes at the same moment.
"""

from __future__ import annotations

from registrar.adapters import class_edits_store, classes_store
from registrar.service_layer.class_clashes import refuse_clashes
from shared import errors
from shared.db import transaction


class CapacityBelowSeatsTaken(errors.Conflict):
    code = "capacity_below_seats_taken"

    def __init__(self, capacity: int, seats_taken: int):
        super().__init__(
            f"capacity cannot be {capacity}: {seats_taken} seats are already taken",
            details={
                "capacity": capacity,
                "seats_taken": seats_taken,
                "fields": {"capacity": [f"must be at least {seats_taken}, the seats taken"]},
            },
        )


class TeacherArchived(errors.Conflict):
    code = "teacher_archived"

    def __init__(self, name: str):
        super().__init__(f"{name} is archived: restore the teacher to give them classes")


# -- teachers -------------------------------------------------------------------------------


def add_teacher(connection, school_id: int, name: str, email: str | None, actor: str) -> int:
    """The new teacher's id."""
    with transaction(connection) as cursor:
        return classes_store.create_teacher(cursor, school_id, name, email, actor)


def change_teacher(
    connection, school_id: int, teacher_id: int, name: str, email: str | None, actor: str
) -> dict:
    """The teacher renamed (or their e-mail changed); raises NotFound."""
    with transaction(connection) as cursor:
        classes_store.lock_teacher(cursor, school_id, teacher_id)
        before = class_edits_store.teacher(cursor, school_id, teacher_id)
        if (before["name"], before["email"]) != (name, email):
            class_edits_store.update_teacher(cursor, school_id, before, name, email, actor)
        return class_edits_store.teacher(cursor, school_id, teacher_id)


def archive_teacher(
    connection, school_id: int, teacher_id: int, actor: str, *, archived: bool = True
) -> dict:
    """The teacher archived (their classes leave the choices with them) or restored."""
    with transaction(connection) as cursor:
        classes_store.lock_teacher(cursor, school_id, teacher_id)
        class_edits_store.set_teacher_archived(cursor, school_id, teacher_id, archived, actor)
        return class_edits_store.teacher(cursor, school_id, teacher_id)


# -- classes --------------------------------------------------------------------------------


def add_schedule(connection, school_id: int, fields: dict, actor: str) -> int:
    """The new class's id. Raises NotFound for another school's teacher, InvalidInput for a
    slot that cannot be, TeacherArchived, and TeacherClash for a clash with the teacher's
    other classes."""
    with transaction(connection) as cursor:
        _lock_teacher_in_use(cursor, school_id, fields["teacher_id"])
        refuse_clashes(cursor, school_id, fields, leaving_out=None)
        return classes_store.create_schedule(cursor, school_id, fields, actor)


def change_schedule(connection, school_id: int, schedule_id: int, fields: dict, actor: str):
    """The class with its new slot, teacher, name, size (and fee, when given); raises as
    add_schedule does, and CapacityBelowSeatsTaken."""
    with transaction(connection) as cursor:
        locked = classes_store.lock_schedule(cursor, school_id, schedule_id)
        teacher = classes_store.lock_teacher(cursor, school_id, fields["teacher_id"])
        if teacher["archived_at"] and teacher["id"] != locked["teacher_id"]:
            raise TeacherArchived(teacher["name"])
        taken = classes_store.seats_taken(cursor, school_id, schedule_id)
        if fields["capacity"] < taken:
            raise CapacityBelowSeatsTaken(fields["capacity"], taken)
        if locked["archived_at"] is None:
            refuse_clashes(cursor, school_id, fields, leaving_out=schedule_id)
        before = class_edits_store.schedule(cursor, school_id, schedule_id)
        class_edits_store.update_schedule(cursor, school_id, before, fields, actor)
        return class_edits_store.schedule(cursor, school_id, schedule_id)


def archive_schedule(
    connection, school_id: int, schedule_id: int, actor: str, *, archived: bool = True
) -> dict:
    """The class archived (it leaves the placement choices; its students stay placed) or
    restored, which is refused when its teacher is archived or it would clash now."""
    with transaction(connection) as cursor:
        locked = classes_store.lock_schedule(cursor, school_id, schedule_id)
        if not archived and locked["archived_at"] is not None:
            _lock_teacher_in_use(cursor, school_id, locked["teacher_id"])
            current = class_edits_store.schedule(cursor, school_id, schedule_id)
            refuse_clashes(cursor, school_id, current, leaving_out=schedule_id)
        class_edits_store.set_schedule_archived(cursor, school_id, schedule_id, archived, actor)
        return class_edits_store.schedule(cursor, school_id, schedule_id)


def _lock_teacher_in_use(cursor, school_id: int, teacher_id: int) -> dict:
    teacher = classes_store.lock_teacher(cursor, school_id, teacher_id)
    if teacher["archived_at"] is not None:
        raise TeacherArchived(teacher["name"])
    return teacher
