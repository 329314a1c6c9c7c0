"""A full class's waitlist and the seat offers made from it, in MySQL (class_waitlist,
seat_offers), for one school at a time.

An entry's position is the number of entries of its class up to and including it, so it
moves up as others leave. An open offer holds its seat (classes_store counts it as taken)
until it is accepted, declined, expires or is cancelled. Callers hold the class's row lock
(classes_store.lock_schedule) before they change either table, so a class's list and its
seats change one transaction at a time.
"""

from __future__ import annotations

from registrar.adapters.classes_store import SCHEDULE_COLUMNS, schedule_answer
from registrar.adapters.json_values import iso_utc

# Statuses whose registrations may wait for, and be offered, a seat (as they may be placed).
_OPEN_STATUSES = ("pending", "in_review", "needs_info", "approved")

OPEN = "open"
ACCEPTED = "accepted"
DECLINED = "declined"
EXPIRED = "expired"
CANCELLED = "cancelled"

_OFFER_COLUMNS = (
    "o.id, o.school_id, o.schedule_id, o.registration_id, o.state, o.offered_at, o.expires_at"
)


# -- the list -------------------------------------------------------------------------------


def add(cursor, school_id: int, schedule_id: int, registration_id: int, actor: str) -> None:
    cursor.execute(
        "INSERT INTO class_waitlist (school_id, schedule_id, registration_id, added_by, "
        "added_at) VALUES (%s, %s, %s, %s, UTC_TIMESTAMP(6))",
        (school_id, schedule_id, registration_id, actor),
    )


def position_of(cursor, school_id: int, schedule_id: int, registration_id: int) -> int | None:
    """The registration's place on the class's list (1 = next), or None when not on it."""
    cursor.execute(
        "SELECT COUNT(*) AS position FROM class_waitlist w "
        "JOIN class_waitlist mine ON mine.school_id = w.school_id "
        "AND mine.schedule_id = w.schedule_id AND mine.id >= w.id "
        "WHERE w.school_id = %s AND w.schedule_id = %s AND mine.registration_id = %s",
        (school_id, schedule_id, registration_id),
    )
    position = cursor.fetchone()["position"]
    return int(position) or None


def leave(cursor, school_id: int, schedule_id: int, registration_id: int) -> None:
    cursor.execute(
        "DELETE FROM class_waitlist WHERE school_id = %s AND schedule_id = %s "
        "AND registration_id = %s",
        (school_id, schedule_id, registration_id),
    )


def waitlists_of(cursor, school_id: int, registration_id: int) -> list[int]:
    """The classes the registration waits for."""
    cursor.execute(
        "SELECT schedule_id FROM class_waitlist WHERE school_id = %s AND registration_id = %s "
        "ORDER BY schedule_id",
        (school_id, registration_id),
    )
    return [row["schedule_id"] for row in cursor.fetchall()]


def waits_of_registration(cursor, school_id: int, registration_id: int) -> list[dict]:
    """The classes the registration waits for, each with its place and any open offer."""
    cursor.execute(
        "SELECT mine.schedule_id, s.name, "
        "(SELECT COUNT(*) FROM class_waitlist w WHERE w.school_id = mine.school_id "
        " AND w.schedule_id = mine.schedule_id AND w.id <= mine.id) AS position, "
        "(SELECT o.expires_at FROM seat_offers o WHERE o.school_id = mine.school_id "
        " AND o.schedule_id = mine.schedule_id AND o.registration_id = mine.registration_id "
        " AND o.state = 'open' LIMIT 1) AS offer_expires_at "
        "FROM class_waitlist mine JOIN class_schedules s "
        "ON s.id = mine.schedule_id AND s.school_id = mine.school_id "
        "WHERE mine.school_id = %s AND mine.registration_id = %s ORDER BY mine.id",
        (school_id, registration_id),
    )
    return [{**row, "position": int(row["position"])} for row in cursor.fetchall()]


def class_waitlist(cursor, school_id: int, schedule_id: int) -> list[dict]:
    """The class's list in order, each entry with its open offer's state (or None)."""
    cursor.execute(
        "SELECT w.id, w.registration_id, w.added_at, r.student_first_name, "
        "r.student_last_name, r.status, "
        "(SELECT o.state FROM seat_offers o WHERE o.school_id = w.school_id "
        " AND o.schedule_id = w.schedule_id AND o.registration_id = w.registration_id "
        " AND o.state = 'open' LIMIT 1) AS offer_state, "
        "(SELECT o.expires_at FROM seat_offers o WHERE o.school_id = w.school_id "
        " AND o.schedule_id = w.schedule_id AND o.registration_id = w.registration_id "
        " AND o.state = 'open' LIMIT 1) AS offer_expires_at "
        "FROM class_waitlist w JOIN student_self_registrations r "
        "ON r.id = w.registration_id AND r.school_id = w.school_id "
        "WHERE w.school_id = %s AND w.schedule_id = %s ORDER BY w.id",
        (school_id, schedule_id),
    )
    return [
        {
            "registration_id": row["registration_id"],
            "student_name": f"{row['student_first_name']} {row['student_last_name']}",
            "status": row["status"],
            "position": position,
            "added_at": iso_utc(row["added_at"]),
            "offer_state": row["offer_state"],
            "offer_expires_at": iso_utc(row["offer_expires_at"]),
        }
        for position, row in enumerate(cursor.fetchall(), start=1)
    ]


def next_in_line(cursor, school_id: int, schedule_id: int, limit: int) -> list[dict]:
    """The first `limit` entries still waiting (registration open, no open offer, not in the
    class already), with what an offer's event needs of their registration."""
    if limit < 1:
        return []
    cursor.execute(
        "SELECT w.registration_id, r.guardian_email, r.language, r.student_first_name, "
        "r.student_last_name FROM class_waitlist w "
        "JOIN student_self_registrations r ON r.id = w.registration_id "
        "AND r.school_id = w.school_id "
        "WHERE w.school_id = %s AND w.schedule_id = %s AND r.status IN %s "
        "AND NOT EXISTS (SELECT 1 FROM seat_offers o WHERE o.school_id = w.school_id "
        " AND o.schedule_id = w.schedule_id AND o.registration_id = w.registration_id "
        " AND o.state = 'open') "
        "AND NOT EXISTS (SELECT 1 FROM class_placements p WHERE p.school_id = w.school_id "
        " AND p.schedule_id = w.schedule_id AND p.registration_id = w.registration_id) "
        "ORDER BY w.id LIMIT %s",
        (school_id, schedule_id, _OPEN_STATUSES, limit),
    )
    return list(cursor.fetchall())


# -- offers ---------------------------------------------------------------------------------


def create_offer(cursor, school_id: int, schedule_id: int, registration_id: int) -> dict:
    """An open offer holding a seat for the school's seat_offer_hours, dated by the session's
    clock (as the outbox dates its rows); returns the offer."""
    cursor.execute(
        "INSERT INTO seat_offers (school_id, schedule_id, registration_id, state, offered_at, "
        "expires_at) SELECT %s, %s, %s, 'open', UTC_TIMESTAMP(6), "
        "DATE_ADD(UTC_TIMESTAMP(6), INTERVAL seat_offer_hours HOUR) FROM schools WHERE id = %s",
        (school_id, schedule_id, registration_id, school_id),
    )
    return offer(cursor, school_id, cursor.lastrowid)


def offer(cursor, school_id: int, offer_id: int, *, lock: bool = False) -> dict | None:
    cursor.execute(
        f"SELECT {_OFFER_COLUMNS} FROM seat_offers o WHERE o.id = %s AND o.school_id = %s"
        + (" FOR UPDATE" if lock else ""),
        (offer_id, school_id),
    )
    return cursor.fetchone()


def close_offer(cursor, school_id: int, offer_id: int, state: str) -> None:
    cursor.execute(
        "UPDATE seat_offers SET state = %s, answered_at = UTC_TIMESTAMP(6) "
        "WHERE id = %s AND school_id = %s AND state = 'open'",
        (state, offer_id, school_id),
    )


def open_offers_of(cursor, school_id: int, registration_id: int) -> list[dict]:
    cursor.execute(
        f"SELECT {_OFFER_COLUMNS} FROM seat_offers o WHERE o.school_id = %s "
        "AND o.registration_id = %s AND o.state = 'open' ORDER BY o.id",
        (school_id, registration_id),
    )
    return list(cursor.fetchall())


def lapsed_offers(cursor, school_id: int, schedule_id: int, now) -> list[dict]:
    """The class's open offers past their time, locked (the caller holds the class's lock)."""
    cursor.execute(
        f"SELECT {_OFFER_COLUMNS} FROM seat_offers o WHERE o.school_id = %s "
        "AND o.schedule_id = %s AND o.state = 'open' AND o.expires_at <= %s "
        "ORDER BY o.id FOR UPDATE",
        (school_id, schedule_id, now),
    )
    return list(cursor.fetchall())


def classes_with_lapsed_offers(cursor, now, school_id: int | None = None) -> list[dict]:
    """(school_id, schedule_id) of every class with an open offer past its time: the expiry
    job's work list, across schools unless one is named (each is then handled in its school)."""
    cursor.execute(
        "SELECT DISTINCT school_id, schedule_id FROM seat_offers "
        "WHERE state = 'open' AND expires_at <= %s AND (%s IS NULL OR school_id = %s) "
        "ORDER BY school_id, schedule_id",
        (now, school_id, school_id),
    )
    return list(cursor.fetchall())


def registration_language(cursor, school_id: int, registration_id: int) -> str:
    cursor.execute(
        "SELECT language FROM student_self_registrations WHERE id = %s AND school_id = %s",
        (registration_id, school_id),
    )
    return cursor.fetchone()["language"]


def offered_class(cursor, school_id: int, schedule_id: int) -> dict:
    """The class an offer is for, as its e-mail describes it."""
    cursor.execute(
        f"SELECT {SCHEDULE_COLUMNS} FROM class_schedules s "
        "JOIN teachers t ON t.id = s.teacher_id AND t.school_id = s.school_id "
        "WHERE s.id = %s AND s.school_id = %s",
        (schedule_id, school_id),
    )
    return schedule_answer(cursor.fetchone())


def open_offer_for_family(cursor, school_id: int, registration_id: int) -> dict | None:
    """The registration's open offer with its class, for the family's page."""
    cursor.execute(
        f"SELECT {SCHEDULE_COLUMNS}, o.id AS offer_id, o.expires_at FROM seat_offers o "
        "JOIN class_schedules s ON s.id = o.schedule_id AND s.school_id = o.school_id "
        "JOIN teachers t ON t.id = s.teacher_id AND t.school_id = s.school_id "
        "WHERE o.school_id = %s AND o.registration_id = %s AND o.state = 'open' "
        "ORDER BY o.id LIMIT 1",
        (school_id, registration_id),
    )
    row = cursor.fetchone()
    if row is None:
        return None
    answer = schedule_answer(row)
    answer["schedule_id"] = answer.pop("id")
    answer["expires_at"] = row["expires_at"]
    return answer
