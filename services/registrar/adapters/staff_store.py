"""The school's staff as its admins manage them (t_user): the list with each account's state,
and the lock on the school's active admins that keeps the last one from being removed."""

from __future__ import annotations

from shared.roles import ADMIN


def school_staff(connection, school_id: int) -> list[dict]:
    """Every account of the school, by e-mail: id, e-mail, role, created, last sign-in,
    disabled (when, or None)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, email, role, created_at, last_login_at, disabled_at FROM t_user "
            "WHERE school_id = %s ORDER BY email",
            (school_id,),
        )
        return list(cursor.fetchall())


def staff_member(cursor, school_id: int, user_id: int) -> dict | None:
    """One account of the school, locked for the change the caller is making."""
    cursor.execute(
        "SELECT id, school_id, email, role, created_at, last_login_at, disabled_at FROM t_user "
        "WHERE id = %s AND school_id = %s FOR UPDATE",
        (user_id, school_id),
    )
    return cursor.fetchone()


def lock_active_admins(cursor, school_id: int) -> set[int]:
    """The ids of the school's active admins, locked: two admins demoting each other at the
    same moment wait for one another, so one of them stays."""
    cursor.execute(
        "SELECT id FROM t_user WHERE school_id = %s AND role = %s AND disabled_at IS NULL "
        "ORDER BY id FOR UPDATE",
        (school_id, ADMIN),
    )
    return {row["id"] for row in cursor.fetchall()}
