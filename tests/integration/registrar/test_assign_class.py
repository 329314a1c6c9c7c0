"""POST /api/admin/self-registration/assign-class."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.support.classes import (
    audit_actions,
    count_rows,
    create_schedule,
    create_teacher,
    outbox_events,
    place,
)
from tests.support.factories import create_registration, set_status

URL = "/api/admin/self-registration/assign-class"


@dataclass
class Classroom:
    teacher_id: int
    schedule_id: int


@pytest.fixture
def piano(registrar_db, school) -> Classroom:
    teacher_id = create_teacher(registrar_db, school.id, "Grace Hopper")
    return Classroom(
        teacher_id, create_schedule(registrar_db, school.id, teacher_id, name="Piano", capacity=2)
    )


@pytest.fixture
def registration_id(registrar_db, school) -> int:
    return create_registration(registrar_db, school.id, first_name="Ada")


def assign(client, school, registration_id, classroom, role="registrar"):
    return client.post(
        URL,
        json={
            "registration_id": registration_id,
            "teacher_id": classroom.teacher_id,
            "schedule_id": classroom.schedule_id,
        },
        headers=school.headers(role),
    )


def placement_of(connection, registration_id):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schedule_id FROM class_placements WHERE registration_id = %s",
            (registration_id,),
        )
        return [row["schedule_id"] for row in cursor.fetchall()]


def test_assigning_needs_a_token(client, registration_id, piano):
    response = client.post(
        URL,
        json={
            "registration_id": registration_id,
            "teacher_id": piano.teacher_id,
            "schedule_id": piano.schedule_id,
        },
    )
    assert response.status_code == 401


def test_a_viewer_may_not_assign(client, school, registration_id, piano, registrar_db):
    assert assign(client, school, registration_id, piano, role="viewer").status_code == 403
    assert placement_of(registrar_db, registration_id) == []


def test_a_registrar_places_a_registration_in_a_class(
    client, school, registration_id, piano, registrar_db
):
    response = assign(client, school, registration_id, piano)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["changed"], body["previous_schedule_id"]) == (True, None)
    assert body["placement"]["schedule_id"] == piano.schedule_id
    assert body["placement"]["seats_left"] == 1
    assert placement_of(registrar_db, registration_id) == [piano.schedule_id]


def test_placing_writes_an_audit_entry_on_the_registration(
    client, school, registration_id, piano, registrar_db
):
    assign(client, school, registration_id, piano)
    assert "class_assigned" in audit_actions(
        registrar_db, school.id, "registration", registration_id
    )


def test_placing_enqueues_class_assigned_with_the_class(
    client, school, registration_id, piano, registrar_db
):
    assign(client, school, registration_id, piano)
    (event,) = outbox_events(registrar_db, school.id, "selfreg.class.assigned")
    assert (event["aggregate_type"], event["aggregate_id"]) == (
        "self_registration",
        registration_id,
    )
    payload = event["payload"]
    assert {
        key: payload[key]
        for key in (
            "registration_id",
            "schedule_id",
            "teacher_id",
            "previous_schedule_id",
            "schedule_name",
            "weekday",
            "start_time",
            "end_time",
            "teacher_name",
        )
    } == {
        "registration_id": registration_id,
        "schedule_id": piano.schedule_id,
        "teacher_id": piano.teacher_id,
        "previous_schedule_id": None,
        "schedule_name": "Piano",
        "weekday": 0,
        "start_time": "16:00",
        "end_time": "17:00",
        "teacher_name": "Grace Hopper",
    }
    assert payload["guardian_email"] == "parent@example.com"


def test_reassigning_moves_the_placement(client, school, registration_id, piano, registrar_db):
    chess = Classroom(
        piano.teacher_id,
        create_schedule(registrar_db, school.id, piano.teacher_id, name="Chess", weekday=2),
    )
    assign(client, school, registration_id, piano)
    response = assign(client, school, registration_id, chess)
    assert response.get_json()["previous_schedule_id"] == piano.schedule_id
    assert placement_of(registrar_db, registration_id) == [chess.schedule_id]


def test_a_move_is_announced_with_the_class_it_left(
    client, school, registration_id, piano, registrar_db
):
    chess = Classroom(
        piano.teacher_id,
        create_schedule(registrar_db, school.id, piano.teacher_id, name="Chess", weekday=2),
    )
    assign(client, school, registration_id, piano)
    assign(client, school, registration_id, chess)
    events = outbox_events(registrar_db, school.id, "selfreg.class.assigned")
    assert [e["payload"]["previous_schedule_id"] for e in events] == [None, piano.schedule_id]


def test_assigning_the_same_class_again_changes_nothing(
    client, school, registration_id, piano, registrar_db
):
    assign(client, school, registration_id, piano)
    response = assign(client, school, registration_id, piano)
    assert response.status_code == 200
    assert response.get_json()["changed"] is False
    assert len(outbox_events(registrar_db, school.id, "selfreg.class.assigned")) == 1


def test_a_full_class_is_a_schedule_conflict(client, school, registration_id, piano, registrar_db):
    for name in ("Bea", "Cy"):
        place(
            registrar_db,
            school.id,
            create_registration(registrar_db, school.id, first_name=name),
            piano.schedule_id,
        )
    response = assign(client, school, registration_id, piano)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "schedule_conflict"
    (conflict,) = error["details"]["conflicts"]
    assert {key: conflict[key] for key in ("kind", "schedule_id", "capacity", "taken")} == {
        "kind": "schedule_full",
        "schedule_id": piano.schedule_id,
        "capacity": 2,
        "taken": 2,
    }


def test_a_refused_placement_writes_nothing(client, school, registration_id, piano, registrar_db):
    for name in ("Bea", "Cy"):
        place(
            registrar_db,
            school.id,
            create_registration(registrar_db, school.id, first_name=name),
            piano.schedule_id,
        )
    assign(client, school, registration_id, piano)
    assert placement_of(registrar_db, registration_id) == []
    assert outbox_events(registrar_db, school.id, "selfreg.class.assigned") == []
    assert "class_assigned" not in audit_actions(
        registrar_db, school.id, "registration", registration_id
    )


def test_a_teacher_already_teaching_a_clashing_class_is_a_schedule_conflict(
    client, school, registration_id, piano, registrar_db
):
    theory = create_schedule(
        registrar_db, school.id, piano.teacher_id, name="Theory", start="16:30", end="17:30"
    )
    place(
        registrar_db,
        school.id,
        create_registration(registrar_db, school.id, first_name="Bea"),
        theory,
    )
    response = assign(client, school, registration_id, piano)
    assert response.status_code == 409
    (conflict,) = response.get_json()["error"]["details"]["conflicts"]
    assert (conflict["kind"], conflict["schedule_id"], conflict["first_clash_on"]) == (
        "teacher_double_booked",
        theory,
        "2026-01-05",
    )


def test_a_teachers_empty_clashing_class_is_no_conflict(
    client, school, registration_id, piano, registrar_db
):
    create_schedule(
        registrar_db, school.id, piano.teacher_id, name="Theory", start="16:30", end="17:30"
    )
    assert assign(client, school, registration_id, piano).status_code == 200


def test_a_teachers_back_to_back_class_is_no_conflict(
    client, school, registration_id, piano, registrar_db
):
    theory = create_schedule(
        registrar_db, school.id, piano.teacher_id, name="Theory", start="17:00", end="18:00"
    )
    place(
        registrar_db,
        school.id,
        create_registration(registrar_db, school.id, first_name="Bea"),
        theory,
    )
    assert assign(client, school, registration_id, piano).status_code == 200


def test_a_child_already_in_a_clashing_class_is_a_schedule_conflict(
    client, school, registration_id, piano, registrar_db
):
    other_teacher = create_teacher(registrar_db, school.id, "Alan Turing")
    chess = create_schedule(
        registrar_db,
        school.id,
        other_teacher,
        name="Chess",
        start="16:45",
        end="18:00",
        program="chess",
    )
    same_child = create_registration(registrar_db, school.id, first_name="ADA")
    place(registrar_db, school.id, same_child, chess)
    response = assign(client, school, registration_id, piano)
    assert response.status_code == 409
    (conflict,) = response.get_json()["error"]["details"]["conflicts"]
    assert (conflict["kind"], conflict["schedule_id"], conflict["registration_id"]) == (
        "student_double_booked",
        chess,
        same_child,
    )


def test_a_rejected_registration_holds_no_seat(
    client, school, registration_id, piano, registrar_db
):
    for name in ("Bea", "Cy"):
        other = create_registration(registrar_db, school.id, first_name=name)
        place(registrar_db, school.id, other, piano.schedule_id)
    set_status(registrar_db, other, "rejected")
    assert assign(client, school, registration_id, piano).status_code == 200


def test_a_rejected_registration_cannot_be_placed(
    client, school, registration_id, piano, registrar_db
):
    set_status(registrar_db, registration_id, "rejected")
    response = assign(client, school, registration_id, piano)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "registration_closed"
    assert placement_of(registrar_db, registration_id) == []


def test_a_teacher_who_does_not_teach_the_class_is_refused_with_the_field(
    client, school, registration_id, piano, registrar_db
):
    other_teacher = create_teacher(registrar_db, school.id, "Alan Turing")
    response = assign(client, school, registration_id, Classroom(other_teacher, piano.schedule_id))
    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["teacher_id"]
    assert placement_of(registrar_db, registration_id) == []


def test_another_schools_registration_is_not_found(
    client, school, other_school, piano, registrar_db
):
    foreign = create_registration(registrar_db, other_school.id)
    response = assign(client, school, foreign, piano)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert placement_of(registrar_db, foreign) == []


def test_another_schools_class_is_not_found(
    client, school, other_school, registration_id, registrar_db
):
    teacher = create_teacher(registrar_db, other_school.id)
    foreign = Classroom(teacher, create_schedule(registrar_db, other_school.id, teacher))
    response = assign(client, school, registration_id, foreign)
    assert response.status_code == 404
    assert "Piano" not in response.get_data(as_text=True)
    assert count_rows(registrar_db, "class_placements", other_school.id) == 0


def test_another_schools_teacher_is_not_found(
    client, school, other_school, registration_id, piano, registrar_db
):
    foreign_teacher = create_teacher(registrar_db, other_school.id)
    response = assign(
        client, school, registration_id, Classroom(foreign_teacher, piano.schedule_id)
    )
    assert response.status_code == 404
    assert placement_of(registrar_db, registration_id) == []


def test_a_missing_field_is_named(client, school, registration_id):
    response = client.post(
        URL,
        json={"registration_id": registration_id, "teacher_id": 1},
        headers=school.headers("registrar"),
    )
    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["schedule_id"]


def test_a_body_that_is_not_json_is_refused(client, school, registration_id, registrar_db):
    response = client.post(
        URL,
        data=f"registration_id={registration_id}",
        content_type="application/x-www-form-urlencoded",
        headers=school.headers("registrar"),
    )
    assert response.status_code == 400
    assert placement_of(registrar_db, registration_id) == []
