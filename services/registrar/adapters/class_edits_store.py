"""Changing the school's teachers and classes in MySQL: a teacher renamed, a class moved or
resized, either archived or restored, each with its audit entry, for one school at a time.
(Adding them, locking them and counting seats: classes_store.)

Callers hold the row's lock (classes_store.lock_teacher, lock_schedule) and check the rules
first; these only write.
"""

from __future__ import annotations

from registrar.adapters import audit_store
from registrar.adapters.classes_store import FEE_LABEL_LENGTH, SCHEDULE_COLUMNS, schedule_answer
from registrar.adapters.json_values import iso_utc
from registrar.domain.scheduling import WEEKDAYS

# -- teachers -------------------------------------------------------------------------------


def teacher(cursor, school_id: int, teacher_id: int) -> dict | None:
    cursor.execute(
        "SELECT id, name, email, archived_at FROM teachers WHERE id = %s AND school_id = %s",
        (teacher_id, school_id),
    )
    row = cursor.fetchone()
    return None if row is None else {**row, "archived_at": iso_utc(row["archived_at"])}


def update_teacher(cursor, school_id: int, before: dict, name: str, email, actor: str) -> None:
    cursor.execute(
        "UPDATE teachers SET name = %s, email = %s WHERE id = %s AND school_id = %s",
        (name, email, before["id"], school_id),
    )
    _audit(
        cursor,
        school_id,
        actor,
        ("teacher_changed", "teacher", before["id"]),
        f"{before['name']} <{before.get('email') or ''}>",
        f"{name} <{email or ''}>",
    )


def set_teacher_archived(cursor, school_id: int, teacher_id: int, archived: bool, actor: str):
    """Archive or restore the teacher; a teacher already so is left as it is (no entry)."""
    cursor.execute(
        "UPDATE teachers SET archived_at = IF(%s, UTC_TIMESTAMP(6), NULL) "
        "WHERE id = %s AND school_id = %s AND (archived_at IS NULL) = %s",
        (archived, teacher_id, school_id, archived),
    )
    if cursor.rowcount:
        action = "teacher_archived" if archived else "teacher_restored"
        _audit(cursor, school_id, actor, (action, "teacher", teacher_id))


# -- classes --------------------------------------------------------------------------------


def schedule(cursor, school_id: int, schedule_id: int) -> dict | None:
    """The class as the listing shows its own columns (without the counts)."""
    cursor.execute(
        f"SELECT {SCHEDULE_COLUMNS}, s.archived_at FROM class_schedules s "
        "JOIN teachers t ON t.id = s.teacher_id AND t.school_id = s.school_id "
        "WHERE s.id = %s AND s.school_id = %s",
        (schedule_id, school_id),
    )
    row = cursor.fetchone()
    return None if row is None else schedule_answer(row)


def teacher_classes(cursor, school_id: int, teacher_id: int, leaving_out: int | None) -> list:
    """The teacher's classes in use (not archived), but the one being changed."""
    cursor.execute(
        f"SELECT {SCHEDULE_COLUMNS} FROM class_schedules s "
        "JOIN teachers t ON t.id = s.teacher_id AND t.school_id = s.school_id "
        "WHERE s.school_id = %s AND s.teacher_id = %s AND s.archived_at IS NULL "
        "AND s.id <> %s ORDER BY s.weekday, s.start_time, s.id",
        (school_id, teacher_id, leaving_out or 0),
    )
    return [schedule_answer(row) for row in cursor.fetchall()]


def update_schedule(cursor, school_id: int, before: dict, fields: dict, actor: str) -> None:
    """Write the class's new slot, teacher, name and size; a fee given becomes its tuition."""
    cursor.execute(
        "UPDATE class_schedules SET teacher_id = %s, name = %s, program = %s, room = %s, "
        "weekday = %s, start_time = %s, end_time = %s, starts_on = %s, ends_on = %s, "
        "capacity = %s WHERE id = %s AND school_id = %s",
        (
            fields["teacher_id"],
            fields["name"],
            fields.get("program"),
            fields.get("room"),
            fields["weekday"],
            fields["start_time"],
            fields["end_time"],
            fields["starts_on"],
            fields["ends_on"],
            fields["capacity"],
            before["id"],
            school_id,
        ),
    )
    if fields.get("fee_minor") is not None:
        _set_tuition(cursor, school_id, before["id"], fields["name"], fields["fee_minor"])
    _audit(
        cursor,
        school_id,
        actor,
        ("schedule_changed", "schedule", before["id"]),
        describe_class(before),
        describe_class(fields),
    )


def set_schedule_archived(cursor, school_id: int, schedule_id: int, archived: bool, actor: str):
    """Archive or restore the class; one already so is left as it is (no entry)."""
    cursor.execute(
        "UPDATE class_schedules SET archived_at = IF(%s, UTC_TIMESTAMP(6), NULL) "
        "WHERE id = %s AND school_id = %s AND (archived_at IS NULL) = %s",
        (archived, schedule_id, school_id, archived),
    )
    if cursor.rowcount:
        action = "schedule_archived" if archived else "schedule_restored"
        _audit(cursor, school_id, actor, (action, "schedule", schedule_id))


def describe_class(fields: dict) -> str:
    """A class's slot in a line, as the audit trail keeps its before and after."""
    start, end = (_hhmm(fields[key]) for key in ("start_time", "end_time"))
    return (
        f"{fields['name']}: {WEEKDAYS[fields['weekday']]} {start}-{end}, "
        f"{fields['starts_on']} to {fields['ends_on']}, {fields['capacity']} seats"
    )


# -- inside ---------------------------------------------------------------------------------


def _set_tuition(cursor, school_id: int, schedule_id: int, name: str, amount_minor: int):
    """The class's own first fee takes the amount (invoices already issued keep their lines);
    a class without one gets it."""
    label = f"Tuition: {name}"[:FEE_LABEL_LENGTH]
    cursor.execute(
        "SELECT id FROM fee_schedules WHERE school_id = %s AND schedule_id = %s "
        "ORDER BY id LIMIT 1",
        (school_id, schedule_id),
    )
    fee = cursor.fetchone()
    if fee:
        cursor.execute(
            "UPDATE fee_schedules SET label = %s, amount_minor = %s WHERE id = %s "
            "AND school_id = %s",
            (label, amount_minor, fee["id"], school_id),
        )
        return
    cursor.execute(
        "INSERT INTO fee_schedules (school_id, schedule_id, label, amount_minor, created_at) "
        "VALUES (%s, %s, %s, %s, UTC_TIMESTAMP(6))",
        (school_id, schedule_id, label, amount_minor),
    )


def _audit(cursor, school_id: int, actor: str, what: tuple, old=None, new=None) -> None:
    """An audit entry: `what` is (action, entity type, entity id); values cut to fit."""
    action, entity_type, entity_id = what
    audit_store.record(
        cursor,
        school_id=school_id,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        old_value=None if old is None else old[: audit_store.VALUE_LENGTH],
        new_value=None if new is None else new[: audit_store.VALUE_LENGTH],
    )


def _hhmm(value) -> str:
    return value if isinstance(value, str) else value.strftime("%H:%M")
