"""The family's language on the form and through the public API (Flask's test client, real
MariaDB): which language the page speaks, and which one the registration keeps for every
later e-mail (and carries on its events)."""

from __future__ import annotations

import json
import secrets

import pytest

from registrar.adapters.schools_store import create_school
from tests.support.pages import csrf_field


@pytest.fixture
def spanish_school_slug(registrar_db) -> str:
    slug = f"sol-{secrets.token_hex(4)}"
    create_school(registrar_db, "Escuela Sol", slug, default_language="es")
    return slug


def _language_of(registrar_db, registration_id: int) -> str:
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT language FROM student_self_registrations WHERE id = %s", (registration_id,)
        )
        return cursor.fetchone()["language"]


def _submitted_payload(registrar_db, registration_id: int) -> dict:
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT payload FROM t_event_outbox WHERE aggregate_id = %s "
            "AND event_type = 'selfreg.submitted'",
            (registration_id,),
        )
        return json.loads(cursor.fetchone()["payload"])


def _submit_api(client, slug, address, **changes):
    body = {
        "student_first_name": "Nora",
        "student_last_name": "Okafor",
        "guardian_email": "ada@families.example",
        **changes,
    }
    return client.post(
        f"/api/public/schools/{slug}/self-registrations",
        json=body,
        headers={"X-Forwarded-For": address},
    )


def test_the_form_speaks_spanish_to_a_browser_that_asks_for_it(client, school_slug):
    page = client.get(f"/register/{school_slug}", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert '<html lang="es">' in page.text
    assert "Enviar inscripción" in page.text


def test_the_language_link_turns_the_form_to_spanish_whatever_the_browser(client, school_slug):
    page = client.get(f"/register/{school_slug}?lang=es", headers={"Accept-Language": "en"})
    assert '<html lang="es">' in page.text
    assert '<option value="es" lang="es" selected>' in page.text


def test_a_school_whose_default_is_spanish_shows_spanish_to_a_browser_without_a_wish(
    client, spanish_school_slug
):
    page = client.get(f"/register/{spanish_school_slug}")
    assert '<html lang="es">' in page.text


def test_staff_pages_stay_english_for_a_spanish_browser(client):
    page = client.get("/login", headers={"Accept-Language": "es"})
    assert "Enviar" not in page.text


def test_a_form_sent_in_spanish_keeps_spanish_and_answers_in_spanish(
    client, school, school_slug, client_address, registrar_db
):
    page = client.get(f"/register/{school_slug}?lang=es")
    sent = client.post(
        f"/register/{school_slug}",
        data={
            "csrf_token": csrf_field(page.text),
            "student_first_name": "Nora",
            "student_last_name": "Okafor",
            "guardian_email": "ada@families.example",
            "language": "es",
        },
        headers={"X-Forwarded-For": client_address},
    )
    assert sent.headers["Location"].endswith("/received?lang=es")
    received = client.get(sent.headers["Location"])
    assert "Gracias: hemos recibido su inscripción" in received.text
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT language FROM student_self_registrations WHERE school_id = %s", (school.id,)
        )
        assert cursor.fetchone()["language"] == "es"


def test_field_errors_are_in_the_forms_language(client, school_slug, client_address):
    page = client.get(f"/register/{school_slug}?lang=es")
    answer = client.post(
        f"/register/{school_slug}",
        data={"csrf_token": csrf_field(page.text), "language": "es", "guardian_email": "x"},
        headers={"X-Forwarded-For": client_address},
    )
    assert answer.status_code == 422
    assert "Escriba el nombre del alumno." in answer.text
    assert '<html lang="es">' in answer.text


def test_the_api_keeps_the_language_asked_for_and_puts_it_on_the_event(
    client, school_slug, client_address, registrar_db
):
    created = _submit_api(client, school_slug, client_address, language="es")
    registration_id = created.get_json()["registration_id"]
    assert _language_of(registrar_db, registration_id) == "es"
    assert _submitted_payload(registrar_db, registration_id)["language"] == "es"


def test_without_a_language_the_registration_takes_the_schools_default(
    client, spanish_school_slug, client_address, registrar_db
):
    created = _submit_api(client, spanish_school_slug, client_address)
    registration_id = created.get_json()["registration_id"]
    assert _language_of(registrar_db, registration_id) == "es"
    payload = _submitted_payload(registrar_db, registration_id)
    assert payload["school"]["default_language"] == "es"


def test_a_language_not_offered_is_refused_with_the_field(client, school_slug, client_address):
    answer = _submit_api(client, school_slug, client_address, language="fr")
    assert answer.status_code in (400, 422)
    assert "language" in json.dumps(answer.get_json())
