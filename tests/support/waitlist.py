"""A full class with a waitlist, and reading its seat offers, for the waitlist's tests."""

from __future__ import annotations

from dataclasses import dataclass

from tests.support.classes import create_schedule, create_teacher, place
from tests.support.factories import create_registration


@dataclass
class FullClass:
    teacher_id: int
    schedule_id: int
    seated: list[int]


def full_class(connection, school_id: int, capacity: int = 1) -> FullClass:
    """A class whose `capacity` seats are all taken by placed registrations."""
    teacher_id = create_teacher(connection, school_id)
    schedule_id = create_schedule(connection, school_id, teacher_id, capacity=capacity)
    seated = []
    for number in range(capacity):
        registration_id = create_registration(
            connection, school_id, first_name=f"Seated{number}", email=f"seated{number}@example.com"
        )
        place(connection, school_id, registration_id, schedule_id)
        seated.append(registration_id)
    return FullClass(teacher_id, schedule_id, seated)


def waiting_registration(connection, school_id: int, name: str) -> int:
    return create_registration(
        connection, school_id, first_name=name, email=f"{name.lower()}@example.com"
    )


def offers_of(connection, registration_id: int) -> list[dict]:
    """The registration's seat offers, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, schedule_id, state, offered_at, expires_at FROM seat_offers "
            "WHERE registration_id = %s ORDER BY id",
            (registration_id,),
        )
        return list(cursor.fetchall())


def placed_in(connection, schedule_id: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT registration_id FROM class_placements WHERE schedule_id = %s "
            "ORDER BY registration_id",
            (schedule_id,),
        )
        return [row["registration_id"] for row in cursor.fetchall()]


def join_waitlist(connection, school_id: int, schedule_id: int, registration_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO class_waitlist (school_id, schedule_id, registration_id, added_by) "
            "VALUES (%s, %s, %s, 'test')",
            (school_id, schedule_id, registration_id),
        )
