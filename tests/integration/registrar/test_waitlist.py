"""POST /api/admin/self-registration/waitlist, GET /api/admin/schedules/{id}/waitlist and
POST .../unassign-class, on the session's MariaDB."""

from __future__ import annotations

import pytest

from tests.support.classes import create_schedule, create_teacher, outbox_events
from tests.support.factories import set_status
from tests.support.waitlist import (
    full_class,
    offers_of,
    placed_in,
    waiting_registration,
)

WAITLIST = "/api/admin/self-registration/waitlist"
UNASSIGN = "/api/admin/self-registration/unassign-class"


@pytest.fixture
def piano(registrar_db, school):
    return full_class(registrar_db, school.id)


def join(client, school, registration_id, schedule_id, role="registrar"):
    return client.post(
        WAITLIST,
        json={"registration_id": registration_id, "schedule_id": schedule_id},
        headers=school.headers(role),
    )


def test_a_full_class_takes_registrations_in_order(client, registrar_db, school, piano):
    first = waiting_registration(registrar_db, school.id, "Ada")
    second = waiting_registration(registrar_db, school.id, "Bob")

    answers = [join(client, school, r, piano.schedule_id) for r in (first, second)]

    assert [a.status_code for a in answers] == [200, 200]
    assert [a.get_json() for a in answers] == [{"position": 1}, {"position": 2}]


def test_joining_again_answers_the_same_position(client, registrar_db, school, piano):
    first = waiting_registration(registrar_db, school.id, "Ada")
    join(client, school, first, piano.schedule_id)

    again = join(client, school, first, piano.schedule_id)

    assert again.status_code == 200 and again.get_json() == {"position": 1}
    assert len(outbox_events(registrar_db, school.id, "selfreg.waitlisted")) == 1


def test_a_class_with_free_seats_refuses_a_waitlist(client, registrar_db, school):
    teacher_id = create_teacher(registrar_db, school.id)
    roomy = create_schedule(registrar_db, school.id, teacher_id, capacity=3)
    registration_id = waiting_registration(registrar_db, school.id, "Ada")

    answer = join(client, school, registration_id, roomy)

    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "seats_available"


def test_another_schools_class_or_registration_is_not_found(
    client, registrar_db, school, other_school, piano
):
    theirs = full_class(registrar_db, other_school.id)
    ours = waiting_registration(registrar_db, school.id, "Ada")
    their_registration = waiting_registration(registrar_db, other_school.id, "Bob")

    assert join(client, school, ours, theirs.schedule_id).status_code == 404
    assert join(client, school, their_registration, piano.schedule_id).status_code == 404
    listing = client.get(
        f"/api/admin/schedules/{theirs.schedule_id}/waitlist", headers=school.headers("viewer")
    )
    assert listing.status_code == 404


def test_a_closed_registration_cannot_wait(client, registrar_db, school, piano):
    registration_id = waiting_registration(registrar_db, school.id, "Ada")
    set_status(registrar_db, registration_id, "rejected")

    answer = join(client, school, registration_id, piano.schedule_id)

    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "registration_closed"


@pytest.mark.parametrize("archived", ["schedules", "teachers"])
def test_an_archived_class_or_teacher_takes_no_one_on_its_list(
    client, registrar_db, school, piano, archived
):
    which = piano.schedule_id if archived == "schedules" else piano.teacher_id
    done = client.post(f"/api/admin/{archived}/{which}/archive", headers=school.headers())
    assert done.status_code == 200, done.get_json()
    registration_id = waiting_registration(registrar_db, school.id, "Ada")

    answer = join(client, school, registration_id, piano.schedule_id)

    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "schedule_archived"
    assert outbox_events(registrar_db, school.id, "selfreg.waitlisted") == []


def test_a_viewer_may_read_but_not_add(client, registrar_db, school, piano):
    registration_id = waiting_registration(registrar_db, school.id, "Ada")

    assert join(client, school, registration_id, piano.schedule_id, "viewer").status_code == 403


def test_the_list_reads_in_order_with_names(client, registrar_db, school, piano):
    first = waiting_registration(registrar_db, school.id, "Ada")
    second = waiting_registration(registrar_db, school.id, "Bob")
    for registration_id in (first, second):
        join(client, school, registration_id, piano.schedule_id)

    listing = client.get(
        f"/api/admin/schedules/{piano.schedule_id}/waitlist", headers=school.headers("viewer")
    ).get_json()

    assert [(e["registration_id"], e["position"], e["offer_state"]) for e in listing] == [
        (first, 1, None),
        (second, 2, None),
    ]
    assert listing[0]["student_name"] == "Ada Lovelace" and listing[0]["added_at"]


def test_the_waitlisted_event_tells_the_position(client, registrar_db, school, piano):
    registration_id = waiting_registration(registrar_db, school.id, "Ada")

    join(client, school, registration_id, piano.schedule_id)

    [event] = outbox_events(registrar_db, school.id, "selfreg.waitlisted")
    assert event["aggregate_id"] == registration_id
    assert {k: event["payload"][k] for k in ("schedule_id", "position", "guardian_email")} == {
        "schedule_id": piano.schedule_id,
        "position": 1,
        "guardian_email": "ada@example.com",
    }
    assert event["payload"]["language"] == "en"


def test_unassigning_frees_the_seat_for_the_first_in_line(client, registrar_db, school, piano):
    first = waiting_registration(registrar_db, school.id, "Ada")
    second = waiting_registration(registrar_db, school.id, "Bob")
    for registration_id in (first, second):
        join(client, school, registration_id, piano.schedule_id)

    answer = client.post(
        UNASSIGN, json={"registration_id": piano.seated[0]}, headers=school.headers("registrar")
    )

    assert answer.status_code == 200
    assert answer.get_json()["freed_schedule_id"] == piano.schedule_id
    assert placed_in(registrar_db, piano.schedule_id) == []
    assert [o["state"] for o in offers_of(registrar_db, first)] == ["open"]
    assert offers_of(registrar_db, second) == []


def test_a_held_seat_refuses_a_staff_assignment(client, registrar_db, school, piano):
    first = waiting_registration(registrar_db, school.id, "Ada")
    join(client, school, first, piano.schedule_id)
    client.post(
        UNASSIGN, json={"registration_id": piano.seated[0]}, headers=school.headers("registrar")
    )
    newcomer = waiting_registration(registrar_db, school.id, "Cy")

    answer = client.post(
        "/api/admin/self-registration/assign-class",
        json={
            "registration_id": newcomer,
            "teacher_id": piano.teacher_id,
            "schedule_id": piano.schedule_id,
        },
        headers=school.headers("registrar"),
    )

    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "schedule_conflict"


def test_rejecting_a_placed_registration_offers_its_seat(client, registrar_db, school, piano):
    first = waiting_registration(registrar_db, school.id, "Ada")
    join(client, school, first, piano.schedule_id)

    client.post(
        "/api/admin/self-registration/status",
        json={"registration_id": piano.seated[0], "status": "rejected", "note": "moved away"},
        headers=school.headers("registrar"),
    )

    assert [o["state"] for o in offers_of(registrar_db, first)] == ["open"]
    [offered] = outbox_events(registrar_db, school.id, "selfreg.seat.offered")
    assert offered["payload"]["class"]["name"] == "Piano"
    assert offered["payload"]["offer_id"] == offers_of(registrar_db, first)[0]["id"]


def test_unassigning_a_registration_in_no_class_changes_nothing(client, registrar_db, school):
    registration_id = waiting_registration(registrar_db, school.id, "Ada")

    answer = client.post(
        UNASSIGN, json={"registration_id": registration_id}, headers=school.headers("registrar")
    )

    assert answer.status_code == 200
    assert answer.get_json() == {
        "registration_id": registration_id,
        "freed_schedule_id": None,
        "offers": [],
    }


def test_the_openapi_describes_the_waitlist(client):
    paths = client.get("/openapi.json").get_json()["paths"]

    assert "post" in paths[WAITLIST] and "post" in paths[UNASSIGN]
    listing = paths["/api/admin/schedules/{schedule_id}/waitlist"]["get"]
    assert "200" in listing["responses"]
    assert "409" in paths[WAITLIST]["post"]["responses"]


def test_unassigning_another_schools_registration_is_not_found(
    client, registrar_db, school, other_school
):
    theirs = full_class(registrar_db, other_school.id)

    answer = client.post(
        UNASSIGN, json={"registration_id": theirs.seated[0]}, headers=school.headers("registrar")
    )

    assert answer.status_code == 404
    assert placed_in(registrar_db, theirs.schedule_id) == theirs.seated
