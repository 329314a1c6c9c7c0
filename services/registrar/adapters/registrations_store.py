"""Self-registrations in MySQL: locking a school's registration and changing its status.

A status change, its audit entry and (through the triggers) its outbox event commit together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from registrar.adapters import audit_store
from registrar.domain.lifecycle import StatusChange
from shared.errors import Conflict, NotFound


class StaleVersion(Conflict):
    code = "stale_version"

    def __init__(self, current_version: int):
        super().__init__(
            "someone else changed this registration; reload it and try again",
            details={"current_version": current_version},
        )


@dataclass(frozen=True)
class CommittedStatusChange(StatusChange):
    """A change as committed, with the registration's version after it (for the next
    optimistic update)."""

    version: int = 0


def registration_exists(cursor, school_id: int, registration_id: int) -> bool:
    cursor.execute(
        "SELECT id FROM student_self_registrations WHERE id = %s AND school_id = %s",
        (registration_id, school_id),
    )
    return cursor.fetchone() is not None


def lock_registration(cursor, school_id: int, registration_id: int) -> dict:
    """The registration row, locked FOR UPDATE; another school's id is simply not found."""
    cursor.execute(
        "SELECT id, school_id, status, version, guardian_email, student_id "
        "FROM student_self_registrations WHERE id = %s AND school_id = %s FOR UPDATE",
        (registration_id, school_id),
    )
    row = cursor.fetchone()
    if row is None:
        raise NotFound("registration")
    return row


def require_version(row: dict, expected_version: int | None) -> None:
    """Refuse a change decided on an older version of the registration (StaleVersion);
    None means the caller did not say which version it saw."""
    if expected_version is not None and row["version"] != expected_version:
        raise StaleVersion(row["version"])


def apply_status_change(
    cursor, school_id: int, registration_id: int, change: StatusChange, actor: str, **extra_columns
) -> None:
    """Write an already-planned change (row locked by the caller) and its audit entry."""
    assignments = [
        "status = %s",
        "status_note = %s",
        "info_missing = %s",
        "version = version + 1",
        "last_activity_at = UTC_TIMESTAMP(6)",
    ]
    params: list = [
        change.to_status,
        change.note,
        json.dumps(list(change.missing)) if change.missing else None,
    ]
    for column, value in extra_columns.items():
        assignments.append(f"{_COLUMN_WHITELIST[column]} = %s")
        params.append(value)
    cursor.execute(
        f"UPDATE student_self_registrations SET {', '.join(assignments)} "
        "WHERE id = %s AND school_id = %s",
        (*params, registration_id, school_id),
    )
    audit_store.record(
        cursor,
        school_id=school_id,
        actor=actor,
        action="status_changed",
        entity_type="registration",
        entity_id=registration_id,
        old_value=change.from_status,
        new_value=change.to_status,
        reason=change.note,
    )


# Columns a status change may set besides the status itself (e.g. the student on convert).
_COLUMN_WHITELIST = {"student_id": "student_id"}


# -- the same child's registrations (placing in a class) ----------------------------------

# What placing a registration reads of it and of the same child's other registrations.
_CHILD_COLUMNS = (
    "id, school_id, status, version, guardian_email, student_first_name, student_last_name"
)


def same_child_ids(connection, school_id: int, registration_id: int) -> list[int]:
    """The ids of the school's other live registrations of the same child: same guardian
    e-mail, first and last name (compared without regard to case). Raises NotFound for a
    registration that is not the school's."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_CHILD_COLUMNS} FROM student_self_registrations "
            "WHERE id = %s AND school_id = %s",
            (registration_id, school_id),
        )
        registration = cursor.fetchone()
        if registration is None:
            raise NotFound("registration")
        cursor.execute(
            "SELECT id FROM student_self_registrations WHERE school_id = %s "
            "AND guardian_email = %s AND student_first_name = %s AND student_last_name = %s "
            "AND id <> %s AND status <> 'rejected'",
            (
                school_id,
                registration["guardian_email"],
                registration["student_first_name"],
                registration["student_last_name"],
                registration_id,
            ),
        )
        return [row["id"] for row in cursor.fetchall()]


def lock_child_registrations(
    cursor, school_id: int, registration_id: int, same_child: list[int]
) -> dict:
    """Lock the registration and the same child's others (by id, one order for everyone);
    returns the registration's row."""
    # FORCE INDEX: locking through the primary key locks just these rows; through a school
    # index it would lock a range of the school's registrations, and new submissions with it.
    cursor.execute(
        f"SELECT {_CHILD_COLUMNS} FROM student_self_registrations FORCE INDEX (PRIMARY) "
        "WHERE id IN %s AND school_id = %s ORDER BY id FOR UPDATE",
        ([registration_id, *same_child], school_id),
    )
    for row in cursor.fetchall():
        if row["id"] == registration_id:
            return row
    raise NotFound("registration")
