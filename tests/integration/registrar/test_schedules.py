"""GET, POST /api/admin/schedules."""

from __future__ import annotations

import pytest

from tests.support.classes import audit_actions, count_rows, create_schedule, create_teacher, place
from tests.support.factories import create_registration

URL = "/api/admin/schedules"


@pytest.fixture
def teacher_id(registrar_db, school):
    return create_teacher(registrar_db, school.id)


def schedule_body(teacher, /, **changes):
    body = {
        "teacher_id": teacher,
        "name": "Piano for beginners",
        "weekday": 0,
        "start_time": "16:00",
        "end_time": "17:00",
        "starts_on": "2026-01-05",
        "ends_on": "2026-03-29",
        "capacity": 8,
        "program": "music",
        "room": "B2",
    }
    body.update(changes)
    return body


def test_listing_schedules_needs_a_token(client):
    assert client.get(URL).status_code == 401


def test_an_admin_adds_a_weekly_class(client, school, teacher_id, registrar_db):
    response = client.post(URL, json=schedule_body(teacher_id), headers=school.headers("admin"))
    assert response.status_code == 201
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT teacher_id, weekday, capacity, room FROM class_schedules "
            "WHERE id = %s AND school_id = %s",
            (response.get_json()["id"], school.id),
        )
        assert cursor.fetchone() == {
            "teacher_id": teacher_id,
            "weekday": 0,
            "capacity": 8,
            "room": "B2",
        }


def test_adding_a_schedule_writes_an_audit_entry(client, school, teacher_id, registrar_db):
    response = client.post(URL, json=schedule_body(teacher_id), headers=school.headers("admin"))
    assert audit_actions(registrar_db, school.id, "schedule", response.get_json()["id"]) == [
        "schedule_created"
    ]


def test_a_fee_given_with_the_schedule_becomes_its_tuition(
    client, school, teacher_id, registrar_db
):
    response = client.post(
        URL, json=schedule_body(teacher_id, fee_minor=18000), headers=school.headers("admin")
    )
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT label, amount_minor FROM fee_schedules WHERE schedule_id = %s "
            "AND school_id = %s",
            (response.get_json()["id"], school.id),
        )
        assert cursor.fetchall() == [
            {"label": "Tuition: Piano for beginners", "amount_minor": 18000}
        ]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"end_time": "16:00"}, "end_time"),
        ({"end_time": "15:30"}, "end_time"),
        ({"ends_on": "2026-01-04"}, "ends_on"),
        ({"capacity": 0}, "capacity"),
        ({"weekday": 7}, "weekday"),
        ({"starts_on": "2026-01-06", "ends_on": "2026-01-08"}, "weekday"),
        ({"start_time": "4pm"}, "start_time"),
        ({"fee_minor": -100}, "fee_minor"),
        ({"teacher_id": "1"}, "teacher_id"),
    ],
)
def test_an_impossible_schedule_is_refused_with_the_field_at_fault(
    client, school, teacher_id, registrar_db, changes, field
):
    response = client.post(
        URL, json=schedule_body(teacher_id, **changes), headers=school.headers("admin")
    )
    assert response.status_code == 422
    assert field in response.get_json()["error"]["details"]["fields"]
    assert count_rows(registrar_db, "class_schedules", school.id) == 0


def test_a_missing_field_is_named(client, school, teacher_id):
    body = schedule_body(teacher_id)
    del body["capacity"]
    response = client.post(URL, json=body, headers=school.headers("admin"))
    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["capacity"]


def test_another_schools_teacher_is_not_found(client, school, other_school, registrar_db):
    foreign_teacher = create_teacher(registrar_db, other_school.id)
    response = client.post(
        URL, json=schedule_body(foreign_teacher), headers=school.headers("admin")
    )
    assert response.status_code == 404
    assert count_rows(registrar_db, "class_schedules", school.id) == 0
    assert count_rows(registrar_db, "class_schedules", other_school.id) == 0


def test_a_viewer_may_not_add_a_schedule(client, school, teacher_id, registrar_db):
    response = client.post(URL, json=schedule_body(teacher_id), headers=school.headers("viewer"))
    assert response.status_code == 403
    assert count_rows(registrar_db, "class_schedules", school.id) == 0


def test_a_body_that_is_not_json_is_refused(client, school, registrar_db):
    response = client.post(
        URL, data="weekday=0", headers=school.headers("admin"), content_type="text/plain"
    )
    assert response.status_code == 400
    assert count_rows(registrar_db, "class_schedules", school.id) == 0


def test_a_viewer_lists_classes_with_seats_taken_and_fee(client, school, teacher_id, registrar_db):
    schedule_id = create_schedule(registrar_db, school.id, teacher_id, capacity=3, fee_minor=15000)
    place(registrar_db, school.id, create_registration(registrar_db, school.id), schedule_id)
    (listed,) = client.get(URL, headers=school.headers("viewer")).get_json()
    assert listed == {
        "id": schedule_id,
        "teacher_id": teacher_id,
        "teacher_name": "Grace Hopper",
        "name": "Piano",
        "program": "music",
        "room": None,
        "weekday": 0,
        "start_time": "16:00",
        "end_time": "17:00",
        "starts_on": "2026-01-05",
        "ends_on": "2026-03-29",
        "capacity": 3,
        "taken": 1,
        "seats_taken": 1,
        "seats_left": 2,
        "waitlist_length": 0,
        "fee_minor": 15000,
        "archived_at": None,
        "teacher_archived_at": None,
    }


def test_the_list_leaves_out_other_schools_classes(client, school, other_school, registrar_db):
    create_schedule(registrar_db, other_school.id, create_teacher(registrar_db, other_school.id))
    assert client.get(URL, headers=school.headers("viewer")).get_json() == []
