"""Staff invitations in MySQL (t_staff_invitation), every statement scoped by the school.

Written with the caller's cursor, inside the transaction that also enqueues the invitation's
event or makes its account.
"""

from __future__ import annotations

from datetime import datetime

from registrar.domain.staff_invitations import InvitationState

_COLUMNS = (
    "id, school_id, email, role, invited_by, state, created_at, expires_at, ended_at, user_id"
)


def lock_open_for_address(cursor, school_id: int, email: str) -> list[int]:
    """The ids of the address's open invitations, locked: two invitations of one address at
    once wait for each other instead of both staying open."""
    # The school's row first, a lock that always exists: with no open invitation to lock, two
    # invitations of one address would both lock only the gap where it would be, and their
    # inserts then deadlock. A school's invitations are few; they can take turns.
    cursor.execute("SELECT id FROM schools WHERE id = %s FOR UPDATE", (school_id,))
    cursor.execute(
        "SELECT id FROM t_staff_invitation WHERE school_id = %s AND email = %s AND state = %s "
        "ORDER BY id FOR UPDATE",
        (school_id, email, InvitationState.OPEN),
    )
    return [row["id"] for row in cursor.fetchall()]


def end(cursor, school_id: int, invitation_ids: list[int], state: str, now: datetime) -> None:
    """Close the open invitations among `invitation_ids` as `state` (replaced, cancelled)."""
    if not invitation_ids:
        return
    marks = ", ".join(["%s"] * len(invitation_ids))
    cursor.execute(
        f"UPDATE t_staff_invitation SET state = %s, ended_at = %s WHERE school_id = %s "
        f"AND state = %s AND id IN ({marks})",
        (state, now, school_id, InvitationState.OPEN, *invitation_ids),
    )


def insert(
    cursor,
    school_id: int,
    email: str,
    role: str,
    invited_by: str,
    now: datetime,
    expires_at: datetime,
) -> int:
    cursor.execute(
        "INSERT INTO t_staff_invitation (school_id, email, role, invited_by, created_at, "
        "expires_at) VALUES (%s, %s, %s, %s, %s, %s)",
        (school_id, email, role, invited_by, now, expires_at),
    )
    return cursor.lastrowid


def invitation(cursor, school_id: int, invitation_id: int, *, lock: bool = False) -> dict | None:
    """One invitation of the school (locked for accepting or cancelling it), with whether it
    is the newest to its address."""
    cursor.execute(
        f"SELECT {_COLUMNS} FROM t_staff_invitation WHERE id = %s AND school_id = %s"
        + (" FOR UPDATE" if lock else ""),
        (invitation_id, school_id),
    )
    row = cursor.fetchone()
    if row is None:
        return None
    cursor.execute(
        "SELECT COUNT(*) AS newer FROM t_staff_invitation WHERE school_id = %s AND email = %s "
        "AND id > %s",
        (school_id, row["email"], invitation_id),
    )
    return {**row, "newest": cursor.fetchone()["newer"] == 0}


def mark_accepted(cursor, school_id: int, invitation_id: int, user_id: int, now: datetime) -> None:
    cursor.execute(
        "UPDATE t_staff_invitation SET state = %s, ended_at = %s, user_id = %s "
        "WHERE id = %s AND school_id = %s",
        (InvitationState.ACCEPTED, now, user_id, invitation_id, school_id),
    )


def open_invitations(connection, school_id: int) -> list[dict]:
    """The school's open invitations, newest first (expired ones included: the page says so)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_COLUMNS} FROM t_staff_invitation WHERE school_id = %s AND state = %s "
            "ORDER BY id DESC",
            (school_id, InvitationState.OPEN),
        )
        return list(cursor.fetchall())
