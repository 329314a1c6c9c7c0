"""Rows the tests need, written with plain SQL so the triggers fire as in production."""

from __future__ import annotations

import secrets


def create_school(connection, *, timezone: str = "UTC", currency: str = "USD") -> int:
    slug = f"school-{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO schools (name, slug, timezone, currency) VALUES (%s, %s, %s, %s)",
            (f"School {slug}", slug, timezone, currency),
        )
        return cursor.lastrowid


def create_registration(
    connection,
    school_id: int,
    *,
    first_name: str = "Ada",
    last_name: str = "Lovelace",
    email: str = "parent@example.com",
) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO student_self_registrations "
            "(school_id, student_first_name, student_last_name, guardian_email) "
            "VALUES (%s, %s, %s, %s)",
            (school_id, first_name, last_name, email),
        )
        return cursor.lastrowid


def set_status(connection, registration_id: int, status: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE student_self_registrations SET status = %s WHERE id = %s",
            (status, registration_id),
        )
