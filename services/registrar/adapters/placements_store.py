"""Class placements in MySQL (class_placements): which class a registration sits in, for one
school at a time. A placement leaves as its class's schedule, ready for JSON."""

from __future__ import annotations

from registrar.adapters.classes_store import SCHEDULE_COLUMNS, schedule_answer
from registrar.adapters.db_cursor import cursor_from


def current_schedule_id(cursor, school_id: int, registration_id: int) -> int | None:
    cursor.execute(
        "SELECT schedule_id FROM class_placements WHERE registration_id = %s AND school_id = %s",
        (registration_id, school_id),
    )
    row = cursor.fetchone()
    return row["schedule_id"] if row else None


def placements_of(cursor, school_id: int, registration_ids: list[int]) -> dict[int, int]:
    """registration id -> schedule id, for registrations still in play."""
    if not registration_ids:
        return {}
    cursor.execute(
        "SELECT p.registration_id, p.schedule_id FROM class_placements p "
        "JOIN student_self_registrations r "
        "ON r.id = p.registration_id AND r.school_id = p.school_id "
        "WHERE p.school_id = %s AND p.registration_id IN %s AND r.status <> 'rejected'",
        (school_id, registration_ids),
    )
    return {row["registration_id"]: row["schedule_id"] for row in cursor.fetchall()}


def place(cursor, school_id: int, registration_id: int, schedule_id: int, actor: str) -> None:
    """Put the registration in the class, moving it if it sat in another one."""
    cursor.execute(
        "INSERT INTO class_placements (school_id, registration_id, schedule_id, placed_by, "
        "placed_at) VALUES (%s, %s, %s, %s, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE "
        "schedule_id = VALUES(schedule_id), placed_by = VALUES(placed_by), "
        "placed_at = VALUES(placed_at)",
        (school_id, registration_id, schedule_id, actor),
    )


def placement_for(cursor_or_connection, school_id: int, registration_id: int) -> dict | None:
    """The registration's class, for its detail page; None when it has none."""
    with cursor_from(cursor_or_connection) as cursor:
        return _placement(cursor, school_id, registration_id)


def _placement(cursor, school_id: int, registration_id: int) -> dict | None:
    cursor.execute(
        f"SELECT {SCHEDULE_COLUMNS}, p.placed_at, p.placed_by FROM class_placements p "
        "JOIN class_schedules s ON s.id = p.schedule_id AND s.school_id = p.school_id "
        "JOIN teachers t ON t.id = s.teacher_id AND t.school_id = s.school_id "
        "WHERE p.registration_id = %s AND p.school_id = %s",
        (registration_id, school_id),
    )
    row = cursor.fetchone()
    if row is None:
        return None
    placement = schedule_answer(row)
    placement["schedule_id"] = placement.pop("id")
    return placement


def unplace(cursor, school_id: int, registration_id: int) -> int | None:
    """Take the registration out of its class (its seat is free again); the class it sat in,
    or None when it sat in none. The caller holds the registration's lock."""
    schedule_id = current_schedule_id(cursor, school_id, registration_id)
    if schedule_id is not None:
        cursor.execute(
            "DELETE FROM class_placements WHERE registration_id = %s AND school_id = %s",
            (registration_id, school_id),
        )
    return schedule_id
