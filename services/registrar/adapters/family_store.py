"""What the family's pages read of registrations in MySQL: one registration with its school,
as a family link opens it, and an address's registrations, as /family sends links to them."""

from __future__ import annotations

import json

# What a family page shows of a registration and of its school.
_FAMILY_COLUMNS = (
    "r.id, r.school_id, r.status, r.version, r.student_first_name, r.student_last_name, "
    "r.guardian_name, r.guardian_email, r.program, r.status_note, r.info_missing, "
    "r.submitted_at, r.updated_at, r.language, s.name AS school_name, s.slug AS school_slug, "
    "s.timezone AS school_timezone, s.currency AS school_currency, "
    "s.default_language AS school_language"
)
_REGISTRATION = (
    f"SELECT {_FAMILY_COLUMNS} FROM student_self_registrations r "
    "JOIN schools s ON s.id = r.school_id WHERE r.id = %s AND r.school_id = %s"
)
_LOCKED_REGISTRATION = _REGISTRATION + " FOR UPDATE"


def registration_for_family(
    cursor, school_id: int, registration_id: int, *, lock: bool = False
) -> dict | None:
    """The registration and its school; locked FOR UPDATE when the caller is changing it."""
    cursor.execute(_LOCKED_REGISTRATION if lock else _REGISTRATION, (registration_id, school_id))
    row = cursor.fetchone()
    if row is not None:
        row["info_missing"] = json.loads(row["info_missing"]) if row["info_missing"] else []
    return row


def registrations_of_address(
    cursor, guardian_email: str, statuses: tuple[str, ...], limit: int
) -> list[dict]:
    """The address's registrations in these statuses, newest first, in every school: the
    address is the family's own, and each registration found is then handled in its school
    (its own event, its school's e-mail)."""
    cursor.execute(
        "SELECT id, school_id, status, student_first_name, student_last_name, guardian_name, "
        "guardian_email FROM student_self_registrations "
        "WHERE guardian_email = %s AND status IN %s ORDER BY submitted_at DESC, id DESC LIMIT %s",
        (guardian_email, statuses, limit),
    )
    return cursor.fetchall()
