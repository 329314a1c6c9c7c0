"""The family's form at /register/{slug} over HTTP (Flask's test client, real MariaDB): the
same rules and throttle as the public API, CSRF, and what is stored."""

from __future__ import annotations

import pytest

from registrar.service_layer.submissions import SUBMISSIONS_PER_ADDRESS
from tests.support.pages import csrf_field


@pytest.fixture
def form_post(client, school_slug, client_address):
    def post(**answers):
        page = client.get(f"/register/{school_slug}")
        data = {
            "csrf_token": csrf_field(page.text),
            "student_first_name": "Nora",
            "student_last_name": "Okafor",
            "guardian_email": "ada@families.example",
            **answers,
        }
        return client.post(
            f"/register/{school_slug}", data=data, headers={"X-Forwarded-For": client_address}
        )

    return post


def registrations_of(registrar_db, school_id: int) -> list[dict]:
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM student_self_registrations WHERE school_id = %s", (school_id,)
        )
        return list(cursor.fetchall())


def test_a_sent_form_becomes_a_pending_registration_and_leads_to_what_happens_next(
    form_post, registrar_db, school, school_slug
):
    answer = form_post(consent_email="yes", guardian_phone="")

    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/register/{school_slug}/received?lang=en"
    (stored,) = registrations_of(registrar_db, school.id)
    assert (stored["status"], stored["consent_email"], stored["guardian_phone"]) == (
        "pending",
        1,
        None,
    )


def test_the_same_form_sent_twice_is_one_registration(form_post, registrar_db, school):
    form_post()
    form_post()

    assert len(registrations_of(registrar_db, school.id)) == 1


def test_an_invalid_email_is_refused_with_the_reason_next_to_the_field(
    form_post, registrar_db, school
):
    answer = form_post(guardian_email="not an address")

    assert answer.status_code == 422
    assert 'id="guardian_email-error"' in answer.text
    assert 'aria-describedby="guardian_email-hint guardian_email-error"' in answer.text
    assert registrations_of(registrar_db, school.id) == []


def test_a_post_without_the_forms_token_is_refused_and_keeps_the_answers(
    client, school_slug, registrar_db, school
):
    answer = client.post(
        f"/register/{school_slug}",
        data={
            "student_first_name": "Nora",
            "student_last_name": "Okafor",
            "guardian_email": "ada@families.example",
        },
    )

    assert answer.status_code == 403
    assert 'value="Nora"' in answer.text
    assert registrations_of(registrar_db, school.id) == []


def test_too_many_forms_from_one_address_are_refused_in_words(form_post):
    for number in range(SUBMISSIONS_PER_ADDRESS.max_hits):
        assert form_post(student_first_name=f"Kid{number}").status_code == 303

    answer = form_post(student_first_name="One too many")

    assert answer.status_code == 429
    assert "Please try again in" in answer.text and answer.headers["Retry-After"]


def test_an_unknown_school_is_a_friendly_404_page(client):
    answer = client.get("/register/no-such-school")

    assert answer.status_code == 404 and answer.mimetype == "text/html"
    assert "We could not find this registration page" in answer.text
