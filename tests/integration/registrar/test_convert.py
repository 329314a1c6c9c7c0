"""POST /api/admin/self-registration/promote (converting): the approved registration becomes a
student."""

from __future__ import annotations

import pytest

from tests.support.classes import (
    audit_actions,
    count_rows,
    outbox_events,
    registration_in_class,
    registration_status,
)

URL = "/api/admin/self-registration/promote"


@pytest.fixture
def registration_id(registrar_db, school) -> int:
    return registration_in_class(registrar_db, school.id, status="approved")


def convert(client, school, registration_id, send_welcome_email=True, role="registrar"):
    return client.post(
        URL,
        json={"registration_id": registration_id, "send_welcome_email": send_welcome_email},
        headers=school.headers(role),
    )


def student_row(connection, student_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM students WHERE id = %s", (student_id,))
        return cursor.fetchone()


def test_converting_needs_a_token(client, registration_id):
    response = client.post(
        URL, json={"registration_id": registration_id, "send_welcome_email": True}
    )
    assert response.status_code == 401


def test_a_viewer_may_not_convert(client, school, registration_id, registrar_db):
    assert convert(client, school, registration_id, role="viewer").status_code == 403
    assert registration_status(registrar_db, registration_id) == "approved"
    assert count_rows(registrar_db, "students", school.id) == 0


def test_converting_creates_the_student_with_the_class_kept(
    client, school, registration_id, registrar_db
):
    response = convert(client, school, registration_id)
    assert response.status_code == 200
    student = student_row(registrar_db, response.get_json()["student_id"])
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT schedule_id FROM class_placements WHERE registration_id = %s",
            (registration_id,),
        )
        placed_in = cursor.fetchone()["schedule_id"]
    assert {
        key: student[key]
        for key in (
            "school_id",
            "registration_id",
            "first_name",
            "last_name",
            "guardian_email",
            "schedule_id",
        )
    } == {
        "school_id": school.id,
        "registration_id": registration_id,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "guardian_email": "parent@example.com",
        "schedule_id": placed_in,
    }
    assert student["created_at"] is not None


def test_converting_marks_the_registration_converted_with_its_student(
    client, school, registration_id, registrar_db
):
    student_id = convert(client, school, registration_id).get_json()["student_id"]
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT status, student_id FROM student_self_registrations WHERE id = %s",
            (registration_id,),
        )
        assert cursor.fetchone() == {"status": "converted", "student_id": student_id}


def test_the_converted_event_carries_the_student(client, school, registration_id, registrar_db):
    student_id = convert(client, school, registration_id).get_json()["student_id"]
    (event,) = outbox_events(registrar_db, school.id, "selfreg.converted")
    assert event["aggregate_id"] == registration_id
    assert event["payload"]["student_id"] == student_id


def test_converting_writes_an_audit_entry(client, school, registration_id, registrar_db):
    convert(client, school, registration_id)
    assert audit_actions(registrar_db, school.id, "registration", registration_id)[-1] == (
        "status_changed"
    )


def test_a_requested_welcome_email_is_announced_after_the_conversion(
    client, school, registration_id, registrar_db
):
    student_id = convert(client, school, registration_id).get_json()["student_id"]
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT event_type FROM t_event_outbox WHERE aggregate_id = %s "
            "AND school_id = %s ORDER BY id DESC LIMIT 2",
            (registration_id, school.id),
        )
        assert [row["event_type"] for row in cursor.fetchall()] == [
            "selfreg.welcome.requested",
            "selfreg.converted",
        ]
    (event,) = outbox_events(registrar_db, school.id, "selfreg.welcome.requested")
    assert {
        key: event["payload"][key] for key in ("registration_id", "student_id", "guardian_email")
    } == {
        "registration_id": registration_id,
        "student_id": student_id,
        "guardian_email": "parent@example.com",
    }
    assert event["payload"]["class"]["name"] == "Piano"


def test_the_welcome_email_choice_is_kept_with_the_student(
    client, school, registration_id, registrar_db
):
    student_id = convert(client, school, registration_id, send_welcome_email=False).get_json()[
        "student_id"
    ]
    assert student_row(registrar_db, student_id)["welcome_email_requested"] == 0
    assert outbox_events(registrar_db, school.id, "selfreg.welcome.requested") == []


def test_converting_twice_answers_the_same_student(client, school, registration_id, registrar_db):
    first = convert(client, school, registration_id).get_json()
    second = convert(client, school, registration_id)
    assert second.status_code == 200
    assert second.get_json() == {"student_id": first["student_id"], "created": False}
    assert count_rows(registrar_db, "students", school.id) == 1
    assert len(outbox_events(registrar_db, school.id, "selfreg.converted")) == 1
    assert len(outbox_events(registrar_db, school.id, "selfreg.welcome.requested")) == 1


def test_a_registration_in_review_cannot_be_converted(client, school, registrar_db):
    registration_id = registration_in_class(registrar_db, school.id, status="in_review")
    response = convert(client, school, registration_id)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "invalid_transition"
    assert registration_status(registrar_db, registration_id) == "in_review"
    assert count_rows(registrar_db, "students", school.id) == 0


def test_another_schools_registration_is_not_found(client, school, other_school, registrar_db):
    foreign = registration_in_class(registrar_db, other_school.id, status="approved")
    assert convert(client, school, foreign).status_code == 404
    assert registration_status(registrar_db, foreign) == "approved"
    assert count_rows(registrar_db, "students", other_school.id) == 0


def test_a_missing_field_is_named(client, school, registration_id):
    response = client.post(
        URL, json={"registration_id": registration_id}, headers=school.headers("registrar")
    )
    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["send_welcome_email"]


def test_a_body_that_is_not_json_is_refused(client, school, registration_id, registrar_db):
    response = client.post(
        URL,
        data="registration_id=1",
        content_type="text/plain",
        headers=school.headers("registrar"),
    )
    assert response.status_code == 400
    assert count_rows(registrar_db, "students", school.id) == 0
