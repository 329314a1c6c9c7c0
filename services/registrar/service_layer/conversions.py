"""Converting an approved registration into an enrolled student.

One transaction: the student row (with the class placement kept), the registration's move to
converted with its student_id (the trigger enqueues selfreg.converted carrying it), and, when
the registrar asks for the welcome e-mail, selfreg.welcome.requested right after it.

Safe to retry: converting a converted registration answers its student again and writes
nothing (the first call's send_welcome_email stands).
"""

from __future__ import annotations

from registrar.adapters import outbox_store
from registrar.adapters.registrations_store import (
    apply_status_change,
    lock_registration,
    require_version,
)
from registrar.domain.lifecycle import plan_status_change
from registrar.service_layer.lead_status import lifecycle_refusals_as_domain_errors
from shared.db import transaction
from shared.events import Event, EventType
from shared.registration_status import Status


def convert(
    connection,
    school_id: int,
    registration_id: int,
    *,
    send_welcome_email: bool,
    actor: str,
    expected_version: int | None = None,
) -> dict:
    """Returns {"student_id", "created"}. Raises NotFound, Conflict invalid_transition
    (and stale_version when `expected_version` is given and the registration has moved on)."""
    with transaction(connection) as cursor:
        registration = lock_registration(cursor, school_id, registration_id)
        require_version(registration, expected_version)
        if registration["status"] == Status.CONVERTED and registration["student_id"] is not None:
            return {"student_id": registration["student_id"], "created": False}
        with lifecycle_refusals_as_domain_errors():
            change = plan_status_change(registration["status"], Status.CONVERTED)
        student = _enrolment(cursor, school_id, registration_id)
        student_id = _create_student(cursor, student, send_welcome_email, actor)
        apply_status_change(
            cursor, school_id, registration_id, change, actor, student_id=student_id
        )
        if send_welcome_email:
            outbox_store.enqueue(cursor, _welcome_event(school_id, student, student_id))
    return {"student_id": student_id, "created": True}


def _enrolment(cursor, school_id: int, registration_id: int) -> dict:
    """What the student row copies: the registration's people and its class, if any."""
    cursor.execute(
        "SELECT r.id AS registration_id, r.school_id, r.student_first_name, r.student_last_name, "
        "r.date_of_birth, r.guardian_name, r.guardian_email, r.guardian_phone, r.language, "
        "COALESCE(s.program, r.program) AS program, s.id AS schedule_id, "
        "s.name AS schedule_name, s.weekday, s.start_time, s.end_time, s.starts_on, s.room "
        "FROM student_self_registrations r "
        "LEFT JOIN class_placements p ON p.registration_id = r.id AND p.school_id = r.school_id "
        "LEFT JOIN class_schedules s ON s.id = p.schedule_id AND s.school_id = p.school_id "
        "WHERE r.id = %s AND r.school_id = %s",
        (registration_id, school_id),
    )
    return cursor.fetchone()


def _create_student(cursor, student: dict, send_welcome_email: bool, actor: str) -> int:
    cursor.execute(
        "INSERT INTO students (school_id, registration_id, first_name, last_name, date_of_birth, "
        "guardian_name, guardian_email, guardian_phone, program, schedule_id, "
        "welcome_email_requested, created_by, created_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, UTC_TIMESTAMP(6))",
        (
            student["school_id"],
            student["registration_id"],
            student["student_first_name"],
            student["student_last_name"],
            student["date_of_birth"],
            student["guardian_name"],
            student["guardian_email"],
            student["guardian_phone"],
            student["program"],
            student["schedule_id"],
            send_welcome_email,
            actor,
        ),
    )
    return cursor.lastrowid


def _welcome_event(school_id: int, student: dict, student_id: int) -> Event:
    placed = student["schedule_id"] is not None
    return Event.new(
        EventType.WELCOME_REQUESTED,
        school_id,
        student["registration_id"],
        {
            "registration_id": student["registration_id"],
            "student_id": student_id,
            "guardian_email": student["guardian_email"],
            "language": student["language"],
            "guardian_name": student["guardian_name"],
            "student_first_name": student["student_first_name"],
            "student_last_name": student["student_last_name"],
            "program": student["program"],
            "class": {
                "schedule_id": student["schedule_id"],
                "name": student["schedule_name"],
                "weekday": student["weekday"],
                "start_time": student["start_time"],
                "end_time": student["end_time"],
                "starts_on": student["starts_on"],
                "room": student["room"],
            }
            if placed
            else None,
        },
    )
