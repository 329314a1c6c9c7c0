"""The family's form: POST /api/public/schools/{slug}/self-registrations (no token)."""

from __future__ import annotations

import json

import pytest

from registrar.service_layer.submissions import SUBMISSIONS_PER_ADDRESS


def _form(**changes):
    form = {
        "student_first_name": "Ada",
        "student_last_name": "Lovelace",
        "guardian_email": "byron@family.example",
    }
    form.update(changes)
    return form


@pytest.fixture
def submit(client, school_slug, client_address):
    def post(form, slug=None, address=None, **kwargs):
        return client.post(
            f"/api/public/schools/{slug or school_slug}/self-registrations",
            json=form,
            headers={"X-Forwarded-For": address or client_address},
            **kwargs,
        )

    return post


def _registrations(registrar_db, school_id):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM student_self_registrations WHERE school_id = %s ORDER BY id",
            (school_id,),
        )
        return cursor.fetchall()


def _outbox(registrar_db, school_id):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT event_type, aggregate_id, payload FROM t_event_outbox "
            "WHERE school_id = %s AND aggregate_type = 'self_registration' "
            "ORDER BY id",
            (school_id,),
        )
        return cursor.fetchall()


def test_a_submission_is_201_with_the_id_of_a_new_pending_registration(
    submit, school, registrar_db
):
    response = submit(_form(guardian_name="Lord Byron", program="Mathematics"))

    assert response.status_code == 201
    (row,) = _registrations(registrar_db, school.id)
    assert response.get_json() == {"registration_id": row["id"]}
    assert row["status"] == "pending"
    assert (row["student_first_name"], row["guardian_name"], row["program"]) == (
        "Ada",
        "Lord Byron",
        "Mathematics",
    )


def test_every_optional_field_is_stored(submit, school, registrar_db):
    submit(
        _form(
            guardian_phone="+44 20 7946 0958",
            date_of_birth="2015-12-10",
            source="open_day",
            class_preferences="Saturday mornings",
            notes="Left-handed",
            utm_source="newsletter",
            utm_medium="email",
            utm_campaign="spring",
        )
    )

    (row,) = _registrations(registrar_db, school.id)
    assert str(row["date_of_birth"]) == "2015-12-10"
    assert (row["guardian_phone"], row["source"], row["class_preferences"], row["notes"]) == (
        "+44 20 7946 0958",
        "open_day",
        "Saturday mornings",
        "Left-handed",
    )
    assert (row["utm_source"], row["utm_medium"], row["utm_campaign"]) == (
        "newsletter",
        "email",
        "spring",
    )


def test_the_insert_enqueues_selfreg_submitted(submit, school, registrar_db):
    registration_id = submit(_form()).get_json()["registration_id"]

    (event,) = _outbox(registrar_db, school.id)
    assert (event["event_type"], event["aggregate_id"]) == ("selfreg.submitted", registration_id)
    assert json.loads(event["payload"])["registration_id"] == registration_id


def test_consent_is_recorded_with_the_time_it_was_given(submit, school, registrar_db):
    submit(_form(consent_email=True))

    (row,) = _registrations(registrar_db, school.id)
    assert row["consent_email"] == 1 and row["consent_sms"] == 0
    assert row["consent_given_at"] == row["submitted_at"]


def test_without_consent_no_consent_time_is_recorded(submit, school, registrar_db):
    submit(_form())

    (row,) = _registrations(registrar_db, school.id)
    assert (row["consent_email"], row["consent_sms"], row["consent_given_at"]) == (0, 0, None)


def test_the_same_submission_again_is_200_with_the_same_id_and_no_second_lead(
    submit, school, registrar_db
):
    first = submit(_form(notes="Allergic to nuts"))
    again = submit(_form(notes="  Allergic to nuts ", guardian_email="BYRON@family.example"))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert len(_registrations(registrar_db, school.id)) == 1
    assert len(_outbox(registrar_db, school.id)) == 1


def test_a_submission_differing_in_one_field_is_a_second_lead(submit, school, registrar_db):
    submit(_form(program="Piano"))

    assert submit(_form(program="Violin")).status_code == 201
    assert len(_registrations(registrar_db, school.id)) == 2


def test_the_same_submission_to_two_schools_is_a_lead_in_each(
    submit, client, school, other_school, registrar_db
):
    with registrar_db.cursor() as cursor:
        cursor.execute("SELECT slug FROM schools WHERE id = %s", (other_school.id,))
        other_slug = cursor.fetchone()["slug"]

    assert submit(_form()).status_code == 201
    assert submit(_form(), slug=other_slug).status_code == 201
    assert len(_registrations(registrar_db, other_school.id)) == 1


def test_missing_required_fields_are_422_naming_each_and_nothing_is_written(
    submit, school, registrar_db
):
    response = submit({"guardian_name": "Lord Byron"})

    assert response.status_code == 422
    assert set(response.get_json()["error"]["details"]["fields"]) == {
        "student_first_name",
        "student_last_name",
        "guardian_email",
    }
    assert _registrations(registrar_db, school.id) == ()
    assert _outbox(registrar_db, school.id) == ()


def test_blank_names_are_422(submit, school, registrar_db):
    response = submit(_form(student_first_name="   ", student_last_name=""))

    assert response.status_code == 422
    assert set(response.get_json()["error"]["details"]["fields"]) == {
        "student_first_name",
        "student_last_name",
    }
    assert _registrations(registrar_db, school.id) == ()


@pytest.mark.parametrize(
    "field, value",
    [
        ("guardian_email", "not-an-address"),
        ("guardian_phone", "call me maybe"),
        ("date_of_birth", "2015-02-30"),
        ("date_of_birth", "2999-01-01"),
        ("consent_email", "perhaps"),
        ("student_last_name", "x" * 101),
        ("notes", 42),
    ],
)
def test_an_invalid_value_is_422_on_its_field(submit, school, registrar_db, field, value):
    response = submit(_form(**{field: value}))

    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == [field]
    assert _registrations(registrar_db, school.id) == ()


def test_sms_consent_without_a_phone_is_422_on_the_phone(submit, school, registrar_db):
    response = submit(_form(consent_sms=True))

    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["guardian_phone"]


def test_an_unknown_field_is_422(submit):
    response = submit(_form(favourite_colour="blue"))

    assert response.status_code == 422
    assert "favourite_colour" in response.get_json()["error"]["details"]["fields"]


def test_an_unknown_school_is_404_and_nothing_is_written(submit, registrar_db):
    with registrar_db.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) AS n FROM student_self_registrations")
        before = cursor.fetchone()["n"]

        response = submit(_form(), slug="no-such-school")

        cursor.execute("SELECT COUNT(*) AS n FROM student_self_registrations")
        assert cursor.fetchone()["n"] == before
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_body_that_is_not_json_is_400(client, school_slug, school, registrar_db):
    response = client.post(
        f"/api/public/schools/{school_slug}/self-registrations",
        data="student_first_name=Ada",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert _registrations(registrar_db, school.id) == ()


def test_malformed_json_is_400(client, school_slug):
    response = client.post(
        f"/api/public/schools/{school_slug}/self-registrations",
        data='{"student_first_name": "Ada",',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_a_huge_body_is_413_and_nothing_is_written(submit, school, registrar_db):
    response = submit(_form(notes="x" * 100_000))

    assert response.status_code == 413
    assert _registrations(registrar_db, school.id) == ()


def test_submissions_beyond_the_limit_from_one_address_are_429_with_retry_after(
    submit, school, registrar_db
):
    for number in range(SUBMISSIONS_PER_ADDRESS.max_hits):
        assert submit(_form(notes=f"child {number}")).status_code == 201

    response = submit(_form(notes="one too many"))

    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= SUBMISSIONS_PER_ADDRESS.window_seconds
    assert response.get_json()["error"]["details"]["retry_after"] == int(
        response.headers["Retry-After"]
    )
    assert len(_registrations(registrar_db, school.id)) == SUBMISSIONS_PER_ADDRESS.max_hits


def test_the_limit_is_per_address(submit, school, registrar_db):
    for number in range(SUBMISSIONS_PER_ADDRESS.max_hits + 1):
        submit(_form(notes=f"child {number}"), address="198.19.7.7")

    assert submit(_form(notes="from elsewhere"), address="198.19.7.8").status_code == 201


def test_forwarded_for_from_a_remote_peer_is_not_believed(submit, school):
    for number in range(SUBMISSIONS_PER_ADDRESS.max_hits):
        submit(
            _form(notes=f"child {number}"),
            address=f"198.19.8.{number + 1}",
            environ_base={"REMOTE_ADDR": "203.0.113.77"},
        )

    response = submit(
        _form(notes="spoofed"), address="198.19.9.1", environ_base={"REMOTE_ADDR": "203.0.113.77"}
    )

    assert response.status_code == 429
