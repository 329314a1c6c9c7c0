"""The school's teachers and classes as the lists people read (the API's listings, the
classes page, the workspace's class pickers), for one school at a time: each class with its
seats taken, waitlist and fee counted in one query, grouped per class, whatever the number of
classes. Rows leave ready for JSON, as classes_store writes them."""

from __future__ import annotations

from registrar.adapters.classes_store import SCHEDULE_COLUMNS, schedule_answer
from registrar.adapters.json_values import iso_utc


def list_teachers(cursor, school_id: int, *, include_archived: bool = False) -> list[dict]:
    """The school's teachers by name: those in use, or every one with include_archived."""
    cursor.execute(
        "SELECT id, name, email, archived_at FROM teachers WHERE school_id = %s "
        "AND (%s OR archived_at IS NULL) ORDER BY name, id",
        (school_id, include_archived),
    )
    return [{**row, "archived_at": iso_utc(row["archived_at"])} for row in cursor.fetchall()]


def list_schedules(cursor, school_id: int, *, include_archived: bool = False) -> list[dict]:
    """The school's classes by weekday and time, each with its seats taken (placements and
    held offers), waitlist length and fee: one query, the counts grouped per class. Classes
    in use only (not archived, nor their teacher), or every one with include_archived."""
    cursor.execute(
        f"SELECT {SCHEDULE_COLUMNS}, s.archived_at, t.archived_at AS teacher_archived_at, "
        "COALESCE(placed.n, 0) + COALESCE(held.n, 0) AS taken, "
        "COALESCE(waiting.n, 0) AS waitlist_length, fees.fee_minor "
        "FROM class_schedules s "
        "JOIN teachers t ON t.id = s.teacher_id AND t.school_id = s.school_id "
        "LEFT JOIN (SELECT p.schedule_id, COUNT(*) AS n FROM class_placements p "
        " JOIN student_self_registrations r ON r.id = p.registration_id "
        " AND r.school_id = p.school_id WHERE p.school_id = %s AND r.status <> 'rejected' "
        " GROUP BY p.schedule_id) placed ON placed.schedule_id = s.id "
        "LEFT JOIN (SELECT schedule_id, COUNT(*) AS n FROM seat_offers "
        " WHERE school_id = %s AND state = 'open' GROUP BY schedule_id) held "
        " ON held.schedule_id = s.id "
        "LEFT JOIN (SELECT schedule_id, COUNT(*) AS n FROM class_waitlist "
        " WHERE school_id = %s GROUP BY schedule_id) waiting ON waiting.schedule_id = s.id "
        "LEFT JOIN (SELECT schedule_id, SUM(amount_minor) AS fee_minor FROM fee_schedules "
        " WHERE school_id = %s AND schedule_id IS NOT NULL GROUP BY schedule_id) fees "
        " ON fees.schedule_id = s.id "
        "WHERE s.school_id = %s AND (%s OR (s.archived_at IS NULL AND t.archived_at IS NULL)) "
        "ORDER BY s.weekday, s.start_time, s.id",
        (school_id, school_id, school_id, school_id, school_id, include_archived),
    )
    return [schedule_answer(row) for row in cursor.fetchall()]
