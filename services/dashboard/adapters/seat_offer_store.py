"""Seat offers waiting on families, in the dashboard's MySQL (t_dashboard_seat_offer), kept
from selfreg.seat.* events for one school at a time. Writes are idempotent and order-safe:
an answer closes an offer once, and the offer's own event never reopens it."""

from __future__ import annotations

from datetime import datetime

from dashboard.adapters.utc_columns import from_column, to_column

# An offer the family may still answer (the offered event has arrived, no answer yet).
_OPEN = "o.school_id = %s AND o.closed_at IS NULL AND o.offered_at IS NOT NULL"


def record_offered(
    cursor,
    school_id: int,
    offer_id: int,
    registration_id: int,
    schedule_id: int,
    offered_at: datetime,
    expires_at: datetime | None,
) -> None:
    cursor.execute(
        "INSERT INTO t_dashboard_seat_offer (school_id, offer_id, registration_id, "
        "schedule_id, offered_at, expires_at) VALUES (%s, %s, %s, %s, %s, %s) "
        "ON DUPLICATE KEY UPDATE schedule_id = VALUES(schedule_id), "
        "offered_at = VALUES(offered_at), expires_at = VALUES(expires_at)",
        (
            school_id,
            offer_id,
            registration_id,
            schedule_id,
            to_column(offered_at),
            to_column(expires_at),
        ),
    )


def record_closed(
    cursor, school_id: int, offer_id: int, registration_id: int, closed_at: datetime
) -> None:
    cursor.execute(
        "INSERT INTO t_dashboard_seat_offer (school_id, offer_id, registration_id, closed_at) "
        "VALUES (%s, %s, %s, %s) "
        "ON DUPLICATE KEY UPDATE closed_at = COALESCE(closed_at, VALUES(closed_at))",
        (school_id, offer_id, registration_id, to_column(closed_at)),
    )


def waiting_on_families(cursor, school_id: int, limit: int) -> tuple[list[dict], int]:
    """Open offers, oldest first (at most `limit`), with the student's name, and how many
    there are in all."""
    cursor.execute(
        "SELECT o.offer_id, o.registration_id, o.offered_at, o.expires_at, r.student_name "
        "FROM t_dashboard_seat_offer o LEFT JOIN t_dashboard_registration r "
        "ON r.school_id = o.school_id AND r.registration_id = o.registration_id "
        f"WHERE {_OPEN} ORDER BY o.offered_at, o.offer_id LIMIT %s",
        (school_id, limit),
    )
    rows = [
        {
            **row,
            "offered_at": from_column(row["offered_at"]),
            "expires_at": from_column(row["expires_at"]),
        }
        for row in cursor.fetchall()
    ]
    if len(rows) < limit:
        return rows, len(rows)
    cursor.execute(
        f"SELECT COUNT(*) AS n FROM t_dashboard_seat_offer o WHERE {_OPEN}", (school_id,)
    )
    return rows, int(cursor.fetchone()["n"])
