"""Changing teachers and classes over the API: PUT and archive/unarchive of
/api/admin/teachers/{id} and /api/admin/schedules/{id}, GET /api/admin/schedules/check, the
clash refusal on adding a class, and the listing's seat and waitlist counts."""

from __future__ import annotations

import pytest

from tests.support.classes import (
    audit_actions,
    class_row,
    count_rows,
    create_schedule,
    create_teacher,
    place,
)
from tests.support.factories import create_registration
from tests.support.waitlist import join_waitlist

TEACHERS, SCHEDULES = "/api/admin/teachers", "/api/admin/schedules"


@pytest.fixture
def teacher_id(registrar_db, school):
    return create_teacher(registrar_db, school.id)


@pytest.fixture
def piano(registrar_db, school, teacher_id):
    """Monday 16:00-17:00, the term of tests.support.classes, ten seats."""
    return create_schedule(registrar_db, school.id, teacher_id)


def body(teacher, /, **changes):
    fields = {
        "teacher_id": teacher,
        "name": "Chess",
        "weekday": 0,
        "start_time": "16:30",
        "end_time": "17:30",
        "starts_on": "2026-01-05",
        "ends_on": "2026-03-29",
        "capacity": 8,
    }
    return {**fields, **changes}


def check_query(teacher, **changes) -> dict:
    query = {k: v for k, v in body(teacher, **changes).items() if k not in ("name", "capacity")}
    return {k: v for k, v in query.items() if v is not None}


def error_of(response) -> dict:
    return response.get_json()["error"]


# -- who may ---------------------------------------------------------------------------------

WRITES = [
    ("put", "/api/admin/teachers/{teacher}", {"name": "Ada"}),
    ("post", "/api/admin/teachers/{teacher}/archive", None),
    ("post", "/api/admin/teachers/{teacher}/unarchive", None),
    ("put", "/api/admin/schedules/{schedule}", "schedule body"),
    ("post", "/api/admin/schedules/{schedule}/archive", None),
    ("post", "/api/admin/schedules/{schedule}/unarchive", None),
]


def _call(client, method, path, payload, teacher, schedule, headers):
    url = path.format(teacher=teacher, schedule=schedule)
    json = (
        body(teacher, start_time="10:00", end_time="11:00")
        if payload == "schedule body"
        else payload
    )
    return getattr(client, method)(url, json=json, headers=headers)


@pytest.mark.parametrize("method, path, payload", WRITES)
def test_each_change_needs_a_token(client, teacher_id, piano, method, path, payload):
    response = _call(client, method, path, payload, teacher_id, piano, {})
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


@pytest.mark.parametrize("method, path, payload", WRITES)
def test_a_viewer_changes_nothing(
    client, school, registrar_db, teacher_id, piano, method, path, payload
):
    response = _call(client, method, path, payload, teacher_id, piano, school.headers("viewer"))
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert audit_actions(registrar_db, school.id, "teacher", teacher_id) == []
    assert audit_actions(registrar_db, school.id, "schedule", piano) == []


@pytest.mark.parametrize("method, path, payload", WRITES)
def test_another_schools_teacher_or_class_is_not_found(
    client, school, other_school, registrar_db, method, path, payload
):
    theirs = create_teacher(registrar_db, other_school.id)
    their_class = create_schedule(registrar_db, other_school.id, theirs)
    response = _call(
        client, method, path, payload, theirs, their_class, school.headers("registrar")
    )
    assert response.status_code == 404
    assert class_row(registrar_db, their_class)["archived_at"] is None


def test_the_check_needs_a_token(client, teacher_id):
    assert client.get(f"{SCHEDULES}/check", query_string=check_query(teacher_id)).status_code == 401


# -- teachers --------------------------------------------------------------------------------


def test_a_registrar_renames_a_teacher(client, school, registrar_db, teacher_id):
    response = client.put(
        f"{TEACHERS}/{teacher_id}",
        json={"name": "Grace B. Hopper", "email": "grace@example.edu"},
        headers=school.headers("registrar"),
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "id": teacher_id,
        "name": "Grace B. Hopper",
        "email": "grace@example.edu",
        "archived_at": None,
    }
    assert audit_actions(registrar_db, school.id, "teacher", teacher_id) == ["teacher_changed"]


@pytest.mark.parametrize(
    "payload, field",
    [({"name": "  "}, "name"), ({"name": 42}, "name"), ({"name": "A", "email": "nope"}, "email")],
)
def test_a_teacher_change_with_bad_fields_is_refused(client, school, teacher_id, payload, field):
    response = client.put(f"{TEACHERS}/{teacher_id}", json=payload, headers=school.headers())
    assert response.status_code == 422
    assert list(error_of(response)["details"]["fields"]) == [field]


def test_a_teacher_change_that_does_not_parse_is_refused(client, school, teacher_id):
    response = client.put(
        f"{TEACHERS}/{teacher_id}",
        data="{name",
        headers=school.headers(),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_json"


def test_an_archived_teacher_and_their_classes_leave_the_lists_but_stay_stored(
    client, school, registrar_db, teacher_id, piano
):
    response = client.post(f"{TEACHERS}/{teacher_id}/archive", headers=school.headers("registrar"))
    assert response.status_code == 200 and response.get_json()["archived_at"]
    viewer = school.headers("viewer")
    assert client.get(TEACHERS, headers=viewer).get_json() == []
    assert client.get(SCHEDULES, headers=viewer).get_json() == []
    everyone = client.get(SCHEDULES, query_string={"include_archived": "true"}, headers=viewer)
    assert [c["id"] for c in everyone.get_json()] == [piano]
    assert everyone.get_json()[0]["teacher_archived_at"] is not None
    assert audit_actions(registrar_db, school.id, "teacher", teacher_id) == ["teacher_archived"]


def test_a_restored_teacher_is_listed_again(client, school, teacher_id):
    client.post(f"{TEACHERS}/{teacher_id}/archive", headers=school.headers())
    response = client.post(f"{TEACHERS}/{teacher_id}/unarchive", headers=school.headers())
    assert response.status_code == 200 and response.get_json()["archived_at"] is None
    assert [t["id"] for t in client.get(TEACHERS, headers=school.headers()).get_json()] == [
        teacher_id
    ]


def test_an_archived_teacher_gets_no_new_class(client, school, registrar_db, teacher_id):
    client.post(f"{TEACHERS}/{teacher_id}/archive", headers=school.headers())
    response = client.post(SCHEDULES, json=body(teacher_id), headers=school.headers())
    assert response.status_code == 409
    assert error_of(response)["code"] == "teacher_archived"
    assert count_rows(registrar_db, "class_schedules", school.id) == 0


# -- adding and changing a class ------------------------------------------------------------


def test_a_class_that_clashes_with_the_teachers_other_is_refused_with_free_times(
    client, school, registrar_db, teacher_id, piano
):
    response = client.post(SCHEDULES, json=body(teacher_id), headers=school.headers("registrar"))
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "schedule_conflict"
    (conflict,) = error["details"]["conflicts"]
    assert conflict["schedule_id"] == piano and conflict["first_clash_on"] == "2026-01-05"
    assert error["details"]["free_slots"][0] == {
        "weekday": 0,
        "start_time": "17:00",
        "end_time": "18:00",
        "starts_on": "2026-01-05",
        "ends_on": "2026-03-29",
    }
    assert count_rows(registrar_db, "class_schedules", school.id) == 1


def test_a_class_starting_when_the_other_ends_is_added(client, school, teacher_id, piano):
    response = client.post(
        SCHEDULES,
        json=body(teacher_id, start_time="17:00", end_time="18:00"),
        headers=school.headers(),
    )
    assert response.status_code == 201


def test_another_teachers_class_at_the_same_time_is_no_clash(client, school, registrar_db, piano):
    other = create_teacher(registrar_db, school.id, "Alan Turing")
    assert client.post(SCHEDULES, json=body(other), headers=school.headers()).status_code == 201


def test_a_registrar_moves_a_class(client, school, registrar_db, teacher_id, piano):
    response = client.put(
        f"{SCHEDULES}/{piano}",
        json=body(teacher_id, name="Piano", weekday=1, capacity=12),
        headers=school.headers("registrar"),
    )
    assert response.status_code == 200
    assert response.get_json()["weekday"] == 1
    assert class_row(registrar_db, piano) == {
        "name": "Piano",
        "weekday": 1,
        "start_time": "16:30",
        "end_time": "17:30",
        "capacity": 12,
        "archived_at": None,
    }
    assert audit_actions(registrar_db, school.id, "schedule", piano) == ["schedule_changed"]


def test_a_class_edited_in_its_own_slot_does_not_clash_with_itself(
    client, school, teacher_id, piano
):
    response = client.put(
        f"{SCHEDULES}/{piano}",
        json=body(teacher_id, start_time="16:00", end_time="17:00", capacity=9),
        headers=school.headers(),
    )
    assert response.status_code == 200


def test_a_class_moved_onto_another_of_the_teachers_is_refused(
    client, school, registrar_db, teacher_id, piano
):
    later = create_schedule(
        registrar_db, school.id, teacher_id, name="Later", start="18:00", end="19:00"
    )
    response = client.put(f"{SCHEDULES}/{later}", json=body(teacher_id), headers=school.headers())
    assert response.status_code == 409
    assert error_of(response)["details"]["conflicts"][0]["schedule_id"] == piano
    assert class_row(registrar_db, later)["start_time"] == "18:00"


def test_capacity_cannot_go_below_the_seats_taken(client, school, registrar_db, teacher_id, piano):
    for name in ("Ada", "Bea"):
        place(
            registrar_db,
            school.id,
            create_registration(registrar_db, school.id, first_name=name),
            piano,
        )
    response = client.put(
        f"{SCHEDULES}/{piano}",
        json=body(teacher_id, start_time="16:00", end_time="17:00", capacity=1),
        headers=school.headers(),
    )
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "capacity_below_seats_taken"
    assert error["details"]["seats_taken"] == 2 and "capacity" in error["details"]["fields"]
    assert class_row(registrar_db, piano)["capacity"] == 10


def test_a_class_cannot_move_to_another_schools_teacher(
    client, school, other_school, registrar_db, teacher_id, piano
):
    theirs = create_teacher(registrar_db, other_school.id)
    response = client.put(f"{SCHEDULES}/{piano}", json=body(theirs), headers=school.headers())
    assert response.status_code == 404
    assert class_row(registrar_db, piano)["start_time"] == "16:00"


BAD_FIELDS = [
    ({"end_time": "16:00"}, "end_time"),
    ({"weekday": 7}, "weekday"),
    ({"starts_on": "2026-02-30"}, "starts_on"),
    ({"capacity": "8"}, "capacity"),
    ({"teacher_id": "1"}, "teacher_id"),
    ({"start_time": 1600}, "start_time"),
]


@pytest.mark.parametrize("changes, field", BAD_FIELDS)
def test_a_class_change_with_bad_fields_is_refused(
    client, school, registrar_db, teacher_id, piano, changes, field
):
    response = client.put(
        f"{SCHEDULES}/{piano}", json=body(teacher_id, **changes), headers=school.headers()
    )
    assert response.status_code == 422
    assert field in error_of(response)["details"]["fields"]
    assert class_row(registrar_db, piano)["start_time"] == "16:00"


def test_a_class_change_that_does_not_parse_is_refused(client, school, piano):
    response = client.put(
        f"{SCHEDULES}/{piano}", data="{", headers=school.headers(), content_type="application/json"
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_json"


# -- archiving a class -----------------------------------------------------------------------


def test_an_archived_class_leaves_the_list_and_keeps_its_students(
    client, school, registrar_db, piano
):
    registration = create_registration(registrar_db, school.id)
    place(registrar_db, school.id, registration, piano)
    response = client.post(f"{SCHEDULES}/{piano}/archive", headers=school.headers("registrar"))
    assert response.status_code == 200 and response.get_json()["archived_at"]
    assert client.get(SCHEDULES, headers=school.headers()).get_json() == []
    detail = client.get(f"/api/admin/self-registration/{registration}", headers=school.headers())
    assert detail.get_json()["class"]["schedule_id"] == piano
    assert audit_actions(registrar_db, school.id, "schedule", piano) == ["schedule_archived"]


def test_an_archived_class_takes_no_new_student(client, school, registrar_db, teacher_id, piano):
    client.post(f"{SCHEDULES}/{piano}/archive", headers=school.headers())
    registration = create_registration(registrar_db, school.id)
    response = client.post(
        "/api/admin/self-registration/assign-class",
        json={"registration_id": registration, "teacher_id": teacher_id, "schedule_id": piano},
        headers=school.headers("registrar"),
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "schedule_archived"


def test_an_archived_class_does_not_clash(client, school, teacher_id, piano):
    client.post(f"{SCHEDULES}/{piano}/archive", headers=school.headers())
    assert (
        client.post(SCHEDULES, json=body(teacher_id), headers=school.headers()).status_code == 201
    )


def test_restoring_a_class_that_clashes_now_is_refused(
    client, school, registrar_db, teacher_id, piano
):
    client.post(f"{SCHEDULES}/{piano}/archive", headers=school.headers())
    client.post(SCHEDULES, json=body(teacher_id), headers=school.headers())
    response = client.post(f"{SCHEDULES}/{piano}/unarchive", headers=school.headers())
    assert response.status_code == 409
    assert error_of(response)["code"] == "schedule_conflict"
    assert class_row(registrar_db, piano)["archived_at"] is not None


def test_a_restored_class_is_listed_again(client, school, piano):
    client.post(f"{SCHEDULES}/{piano}/archive", headers=school.headers())
    response = client.post(f"{SCHEDULES}/{piano}/unarchive", headers=school.headers())
    assert response.status_code == 200 and response.get_json()["archived_at"] is None
    assert [c["id"] for c in client.get(SCHEDULES, headers=school.headers()).get_json()] == [piano]


# -- the check ---------------------------------------------------------------------------------


def test_the_check_names_the_clash_and_free_times(client, school, teacher_id, piano):
    response = client.get(
        f"{SCHEDULES}/check", query_string=check_query(teacher_id), headers=school.headers("viewer")
    )
    assert response.status_code == 200
    answer = response.get_json()
    assert [c["schedule_id"] for c in answer["conflicts"]] == [piano]
    assert "already teaches Piano" in answer["conflicts"][0]["message"]
    assert [(s["start_time"], s["end_time"]) for s in answer["free_slots"][:2]] == [
        ("17:00", "18:00"),
        ("17:30", "18:30"),
    ]


def test_the_check_leaves_out_the_class_being_edited(client, school, teacher_id, piano):
    query = check_query(teacher_id, schedule_id=piano)
    answer = client.get(
        f"{SCHEDULES}/check", query_string=query, headers=school.headers()
    ).get_json()
    assert answer == {"conflicts": [], "free_slots": []}


def test_the_check_of_another_schools_teacher_or_class_is_not_found(
    client, school, other_school, registrar_db, teacher_id
):
    theirs = create_teacher(registrar_db, other_school.id)
    their_class = create_schedule(registrar_db, other_school.id, theirs)
    for query in (check_query(theirs), check_query(teacher_id, schedule_id=their_class)):
        response = client.get(f"{SCHEDULES}/check", query_string=query, headers=school.headers())
        assert response.status_code == 404


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"end_time": "16:00"}, "end_time"),
        ({"weekday": 7}, "weekday"),
        ({"ends_on": "2026-13-01"}, "ends_on"),
        ({"teacher_id": "x"}, "teacher_id"),
        ({"start_time": None}, "start_time"),
    ],
)
def test_a_check_with_bad_fields_is_refused(client, school, teacher_id, changes, field):
    response = client.get(
        f"{SCHEDULES}/check",
        query_string=check_query(teacher_id, **changes),
        headers=school.headers(),
    )
    assert response.status_code == 422
    assert field in error_of(response)["details"]["fields"]


# -- the listing's counts ---------------------------------------------------------------------


def test_the_list_counts_seats_and_waitlist_per_class(client, school, registrar_db, teacher_id):
    full = create_schedule(registrar_db, school.id, teacher_id, name="Full", capacity=1)
    empty = create_schedule(registrar_db, school.id, teacher_id, name="Empty", weekday=2)
    place(registrar_db, school.id, create_registration(registrar_db, school.id), full)
    for name in ("Wai", "Tess"):
        join_waitlist(
            registrar_db,
            school.id,
            full,
            create_registration(registrar_db, school.id, first_name=name),
        )
    listed = {
        c["id"]: c for c in client.get(SCHEDULES, headers=school.headers("viewer")).get_json()
    }
    counts = {
        k: (c["seats_taken"], c["seats_left"], c["waitlist_length"]) for k, c in listed.items()
    }
    assert counts == {full: (1, 0, 2), empty: (0, 10, 0)}
