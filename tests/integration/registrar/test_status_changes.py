"""Status changes: POST /api/admin/self-registration/status."""

from __future__ import annotations

import json

import pytest

from tests.support.factories import create_registration, set_status

STATUS = "/api/admin/self-registration/status"


def _row(registrar_db, registration_id):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT status, version, status_note, info_missing "
            "FROM student_self_registrations WHERE id = %s",
            (registration_id,),
        )
        return cursor.fetchone()


def _audit(registrar_db, registration_id):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT actor, action, old_value, new_value, reason FROM t_audit_log "
            "WHERE entity_type = 'registration' AND entity_id = %s ORDER BY id",
            (registration_id,),
        )
        return cursor.fetchall()


def _status_events(registrar_db, registration_id):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT payload FROM t_event_outbox WHERE aggregate_id = %s "
            "AND event_type = 'selfreg.status.updated' ORDER BY id",
            (registration_id,),
        )
        return [json.loads(row["payload"]) for row in cursor.fetchall()]


@pytest.fixture
def registration(registrar_db, school):
    return create_registration(registrar_db, school.id)


def _change(client, school, role="registrar", **body):
    return client.post(STATUS, json=body, headers=school.headers(role))


def test_an_allowed_change_is_200_with_the_new_status_and_version(client, school, registration):
    response = _change(client, school, registration_id=registration, status="in_review")

    assert response.status_code == 200
    assert response.get_json() == {
        "registration_id": registration,
        "from_status": "pending",
        "status": "in_review",
        "version": 2,
    }


def test_the_change_is_stored(client, school, registration, registrar_db):
    _change(client, school, registration_id=registration, status="rejected", note="Program is full")

    assert _row(registrar_db, registration)["status"] == "rejected"
    assert _row(registrar_db, registration)["status_note"] == "Program is full"


def test_the_change_writes_an_audit_entry_naming_the_token(
    client, school, registration, registrar_db
):
    _change(client, school, registration_id=registration, status="rejected", note="Program is full")

    (entry,) = _audit(registrar_db, registration)
    assert entry["action"] == "status_changed"
    assert (entry["old_value"], entry["new_value"], entry["reason"]) == (
        "pending",
        "rejected",
        "Program is full",
    )
    assert entry["actor"].startswith("token:")


def test_a_signed_in_persons_change_is_audited_under_their_email(
    client, school, registration, staff_account, registrar_db, client_address
):
    token = client.post(
        "/api/auth/login",
        json={"email": staff_account.email, "password": staff_account.password},
        headers={"X-Forwarded-For": client_address},
    ).get_json()["token"]

    client.post(
        STATUS,
        json={"registration_id": registration, "status": "in_review"},
        headers={"Accesstoken": token},
    )

    assert _audit(registrar_db, registration)[0]["actor"] == staff_account.email


def test_the_change_enqueues_selfreg_status_updated(client, school, registration, registrar_db):
    _change(client, school, registration_id=registration, status="in_review")

    (payload,) = _status_events(registrar_db, registration)
    assert (payload["from_status"], payload["to_status"]) == ("pending", "in_review")


def test_needs_info_keeps_the_message_and_what_is_missing(
    client, school, registration, registrar_db
):
    set_status(registrar_db, registration, "in_review")

    _change(
        client,
        school,
        registration_id=registration,
        status="needs_info",
        note="Please send the birth certificate",
        missing=["birth certificate"],
    )

    row = _row(registrar_db, registration)
    assert row["status_note"] == "Please send the birth certificate"
    assert json.loads(row["info_missing"]) == ["birth certificate"]


def test_a_transition_not_allowed_is_409_with_from_to_and_allowed_and_writes_nothing(
    client, school, registration, registrar_db
):
    response = _change(client, school, registration_id=registration, status="converted")

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["details"] == {
        "from": "pending",
        "to": "converted",
        "allowed": ["in_review", "rejected"],
    }
    assert _row(registrar_db, registration)["version"] == 1
    assert _audit(registrar_db, registration) == ()
    assert _status_events(registrar_db, registration) == []


def test_needs_info_without_a_message_is_422_on_note_and_writes_nothing(
    client, school, registration, registrar_db
):
    set_status(registrar_db, registration, "in_review")

    response = _change(
        client, school, registration_id=registration, status="needs_info", note="   "
    )

    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["note"]
    assert _row(registrar_db, registration)["status"] == "in_review"
    assert _audit(registrar_db, registration) == ()


def test_rejected_without_a_reason_is_422_on_note(client, school, registration, registrar_db):
    response = _change(client, school, registration_id=registration, status="rejected")

    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["note"]
    assert _row(registrar_db, registration)["status"] == "pending"


def test_a_stale_version_is_409_and_writes_nothing(client, school, registration, registrar_db):
    _change(client, school, registration_id=registration, status="in_review", version=1)

    response = _change(client, school, registration_id=registration, status="approved", version=1)

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "stale_version"
    assert response.get_json()["error"]["details"] == {"current_version": 2}
    assert _row(registrar_db, registration)["status"] == "in_review"


def test_the_current_version_is_accepted(client, school, registration):
    _change(client, school, registration_id=registration, status="in_review", version=1)

    response = _change(client, school, registration_id=registration, status="approved", version=2)

    assert response.status_code == 200
    assert response.get_json()["version"] == 3


def test_another_schools_registration_is_404_and_untouched(
    client, school, other_school, registrar_db
):
    theirs = create_registration(registrar_db, other_school.id)

    response = _change(client, school, registration_id=theirs, status="in_review")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert _row(registrar_db, theirs)["status"] == "pending"
    assert _audit(registrar_db, theirs) == ()


def test_a_viewer_is_403(client, school, registration, registrar_db):
    response = _change(
        client, school, role="viewer", registration_id=registration, status="in_review"
    )

    assert response.status_code == 403
    assert _row(registrar_db, registration)["status"] == "pending"


def test_an_admin_may_change_a_status(client, school, registration):
    assert (
        _change(
            client, school, role="admin", registration_id=registration, status="in_review"
        ).status_code
        == 200
    )


def test_without_a_token_is_401(client, registration):
    assert (
        client.post(
            STATUS, json={"registration_id": registration, "status": "in_review"}
        ).status_code
        == 401
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({"status": "in_review"}, "registration_id"),
        ({"registration_id": "12", "status": "in_review"}, "registration_id"),
        ({"registration_id": 1, "status": "enrolled"}, "status"),
        ({"registration_id": 1}, "status"),
        ({"registration_id": 1, "status": "in_review", "version": 0}, "version"),
        ({"registration_id": 1, "status": "in_review", "missing": "papers"}, "missing"),
    ],
)
def test_an_invalid_body_is_422_on_its_field(client, school, body, field):
    response = client.post(STATUS, json=body, headers=school.headers("registrar"))

    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == [field]


def test_a_body_that_is_not_json_is_400(client, school, registration, registrar_db):
    response = client.post(
        STATUS,
        data=f"registration_id={registration}&status=in_review",
        content_type="application/x-www-form-urlencoded",
        headers=school.headers("registrar"),
    )

    assert response.status_code == 400
    assert _row(registrar_db, registration)["status"] == "pending"


def test_a_huge_body_is_413(client, school, registration, registrar_db):
    response = _change(
        client, school, registration_id=registration, status="rejected", note="x" * 100_000
    )

    assert response.status_code == 413
    assert _row(registrar_db, registration)["status"] == "pending"


def test_without_a_token_a_body_that_is_not_json_is_still_401(client, registration):
    response = client.post(
        STATUS, data="registration_id=1", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 401
