"""GET /api/admin/self-registration/assign-class/check: inline warnings and free alternatives."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.classes import count_rows, create_schedule, create_teacher, place
from tests.support.factories import create_registration

URL = "/api/admin/self-registration/assign-class/check"
# A term still to come, so its classes can be suggested.
NEXT_TERM = {"starts_on": date(2031, 1, 6), "ends_on": date(2031, 3, 30)}


@pytest.fixture
def teacher_id(registrar_db, school):
    return create_teacher(registrar_db, school.id, "Grace Hopper")


@pytest.fixture
def full_piano(registrar_db, school, teacher_id):
    schedule_id = create_schedule(
        registrar_db, school.id, teacher_id, name="Piano", capacity=1, **NEXT_TERM
    )
    place(
        registrar_db,
        school.id,
        create_registration(registrar_db, school.id, first_name="Bea"),
        schedule_id,
    )
    return schedule_id


@pytest.fixture
def registration_id(registrar_db, school):
    return create_registration(registrar_db, school.id, first_name="Ada")


def check(client, school, registration_id, teacher_id, schedule_id, role="viewer"):
    return client.get(
        URL,
        query_string={
            "registration_id": registration_id,
            "teacher_id": teacher_id,
            "schedule_id": schedule_id,
        },
        headers=school.headers(role),
    )


def test_checking_needs_a_token(client, registration_id, teacher_id, full_piano):
    assert (
        client.get(
            URL,
            query_string={
                "registration_id": registration_id,
                "teacher_id": teacher_id,
                "schedule_id": full_piano,
            },
        ).status_code
        == 401
    )


def test_a_free_seat_has_no_conflicts(client, school, registrar_db, registration_id, teacher_id):
    schedule_id = create_schedule(registrar_db, school.id, teacher_id, **NEXT_TERM)
    response = check(client, school, registration_id, teacher_id, schedule_id)
    assert response.status_code == 200
    assert response.get_json()["conflicts"] == []


def test_a_full_class_is_reported_as_a_conflict(
    client, school, registration_id, teacher_id, full_piano
):
    conflicts = check(client, school, registration_id, teacher_id, full_piano).get_json()[
        "conflicts"
    ]
    assert [(c["kind"], c["schedule_id"]) for c in conflicts] == [("schedule_full", full_piano)]


def test_free_classes_of_the_teacher_and_the_program_are_suggested(
    client, school, registrar_db, registration_id, teacher_id, full_piano
):
    same_teacher = create_schedule(
        registrar_db, school.id, teacher_id, name="Piano II", weekday=2, **NEXT_TERM
    )
    other_teacher = create_teacher(registrar_db, school.id, "Alan Turing")
    same_program = create_schedule(
        registrar_db, school.id, other_teacher, name="Piano III", weekday=3, **NEXT_TERM
    )
    create_schedule(
        registrar_db,
        school.id,
        other_teacher,
        name="Chess",
        weekday=4,
        program="chess",
        **NEXT_TERM,
    )
    suggestions = check(client, school, registration_id, teacher_id, full_piano).get_json()[
        "suggestions"
    ]
    assert [(s["schedule_id"], s["seats_left"]) for s in suggestions] == [
        (same_teacher, 10),
        (same_program, 10),
    ]


def test_finished_classes_are_not_suggested(
    client, school, registrar_db, registration_id, teacher_id, full_piano
):
    create_schedule(
        registrar_db,
        school.id,
        teacher_id,
        name="Old piano",
        weekday=2,
        starts_on=date(2020, 1, 6),
        ends_on=date(2020, 3, 29),
    )
    assert (
        check(client, school, registration_id, teacher_id, full_piano).get_json()["suggestions"]
        == []
    )


def test_checking_writes_nothing(
    client, school, registrar_db, registration_id, teacher_id, full_piano
):
    check(client, school, registration_id, teacher_id, full_piano)
    assert count_rows(registrar_db, "class_placements", school.id) == 1


def test_another_schools_registration_is_not_found(
    client, school, other_school, registrar_db, teacher_id, full_piano
):
    foreign = create_registration(registrar_db, other_school.id)
    assert check(client, school, foreign, teacher_id, full_piano).status_code == 404


def test_another_schools_class_is_not_found(
    client, school, other_school, registrar_db, registration_id
):
    teacher = create_teacher(registrar_db, other_school.id)
    foreign = create_schedule(registrar_db, other_school.id, teacher, **NEXT_TERM)
    response = check(client, school, registration_id, teacher, foreign)
    assert response.status_code == 404


def test_a_missing_query_field_is_named(client, school, registration_id):
    response = client.get(
        URL, query_string={"registration_id": registration_id}, headers=school.headers("viewer")
    )
    assert response.status_code == 422
    assert sorted(response.get_json()["error"]["details"]["fields"]) == [
        "schedule_id",
        "teacher_id",
    ]


def test_a_teacher_who_does_not_teach_the_class_is_refused_with_the_field(
    client, school, registrar_db, registration_id, full_piano
):
    other_teacher = create_teacher(registrar_db, school.id, "Alan Turing")
    response = check(client, school, registration_id, other_teacher, full_piano)
    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["teacher_id"]
