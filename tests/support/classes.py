"""Teachers, classes, placements and fees for the registrar's tests, written with plain SQL."""

from __future__ import annotations

import json
from datetime import date

from tests.support.factories import create_registration, set_status

# A term of twelve Mondays, starting Monday 2026-01-05.
TERM_START, TERM_END = date(2026, 1, 5), date(2026, 3, 29)


def create_teacher(connection, school_id: int, name: str = "Grace Hopper") -> int:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO teachers (school_id, name) VALUES (%s, %s)", (school_id, name))
        return cursor.lastrowid


def create_schedule(
    connection,
    school_id: int,
    teacher_id: int,
    *,
    name: str = "Piano",
    weekday: int = 0,
    start: str = "16:00",
    end: str = "17:00",
    starts_on: date = TERM_START,
    ends_on: date = TERM_END,
    capacity: int = 10,
    program: str | None = "music",
    fee_minor: int | None = None,
) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO class_schedules (school_id, teacher_id, name, program, weekday, "
            "start_time, end_time, starts_on, ends_on, capacity) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                school_id,
                teacher_id,
                name,
                program,
                weekday,
                start,
                end,
                starts_on,
                ends_on,
                capacity,
            ),
        )
        schedule_id = cursor.lastrowid
        if fee_minor is not None:
            add_fee(connection, school_id, f"Tuition: {name}", fee_minor, schedule_id=schedule_id)
        return schedule_id


def add_fee(
    connection,
    school_id: int,
    label: str,
    amount_minor: int,
    *,
    schedule_id: int | None = None,
    program: str | None = None,
) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO fee_schedules (school_id, schedule_id, program, label, "
            "amount_minor) VALUES (%s, %s, %s, %s, %s)",
            (school_id, schedule_id, program, label, amount_minor),
        )
        return cursor.lastrowid


def place(connection, school_id: int, registration_id: int, schedule_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO class_placements (school_id, registration_id, schedule_id, "
            "placed_by) VALUES (%s, %s, %s, 'test')",
            (school_id, registration_id, schedule_id),
        )


def seats_taken(connection, schedule_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) AS n FROM class_placements WHERE schedule_id = %s", (schedule_id,)
        )
        return cursor.fetchone()["n"]


def outbox_events(connection, school_id: int, event_type: str) -> list[dict]:
    """The school's outbox rows of one type, oldest first, payloads decoded."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_id, event_type, aggregate_type, aggregate_id, payload "
            "FROM t_event_outbox WHERE school_id = %s AND event_type = %s ORDER BY id",
            (school_id, event_type),
        )
        rows = list(cursor.fetchall())
    for row in rows:
        row["payload"] = json.loads(row["payload"])
    return rows


def audit_actions(connection, school_id: int, entity_type: str, entity_id: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT action FROM t_audit_log WHERE school_id = %s AND entity_type = %s "
            "AND entity_id = %s ORDER BY id",
            (school_id, entity_type, entity_id),
        )
        return [row["action"] for row in cursor.fetchall()]


def count_rows(connection, table: str, school_id: int) -> int:
    # Table names come from the tests themselves, never from input.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) AS n FROM {table} WHERE school_id = %s", (school_id,))
        return cursor.fetchone()["n"]


def registration_in_class(
    connection,
    school_id: int,
    *,
    status: str = "in_review",
    fee_minor: int | None = 18000,
    first_name: str = "Ada",
) -> int:
    """A registration in `status`, placed in a fresh class of a fresh teacher (with its
    tuition when fee_minor is given)."""
    registration_id = create_registration(connection, school_id, first_name=first_name)
    teacher_id = create_teacher(connection, school_id)
    schedule_id = create_schedule(connection, school_id, teacher_id, fee_minor=fee_minor)
    place(connection, school_id, registration_id, schedule_id)
    path = {
        "pending": [],
        "in_review": ["in_review"],
        "approved": ["in_review", "approved"],
        "rejected": ["rejected"],
    }[status]
    for step in path:
        set_status(connection, registration_id, step)
    return registration_id


def enable_flag(connection, school_id: int, flag_key: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_feature_flag (school_id, flag_key, enabled) "
            "VALUES (%s, %s, 1) ON DUPLICATE KEY UPDATE enabled = 1",
            (school_id, flag_key),
        )


def registration_status(connection, registration_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status FROM student_self_registrations WHERE id = %s", (registration_id,)
        )
        return cursor.fetchone()["status"]


def class_row(connection, schedule_id: int) -> dict:
    """The class's slot, size and archive mark as stored (times as HH:MM, dates ISO)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, weekday, TIME_FORMAT(start_time, '%%H:%%i') AS start_time, "
            "TIME_FORMAT(end_time, '%%H:%%i') AS end_time, capacity, archived_at "
            "FROM class_schedules WHERE id = %s",
            (schedule_id,),
        )
        return cursor.fetchone()
