"""A school's own wording of a message, per language, through the templates API (tokens checked
by the real registrar, the session's MariaDB): saved and read per language, refused for a
language the notifier does not speak, and read back with the fallback a family gets: the
school's wording in the family's language, else in the school's default language, else the
built-in one in the family's language."""

from __future__ import annotations

import pytest

from notifier.entrypoints.app import create_app
from registrar.adapters.tokens_store import issue_token
from tests.support.factories import create_school

TEMPLATE = "/api/messages/templates/needs_info"
SPANISH = {
    "language": "es",
    "subject": "{{ school_name }}: falta algo",
    "text": "Hola {{ guardian_name }}",
    "html": "<p>Hola {{ guardian_name }}</p>",
}
ENGLISH = {
    "language": "en",
    "subject": "{{ school_name }}: something is missing",
    "text": "Hello {{ guardian_name }}",
    "html": "<p>Hello {{ guardian_name }}</p>",
}


@pytest.fixture
def client(api_settings):
    return create_app(api_settings, {"TESTING": True}).test_client()


def admin_of(registrar_db, notifier_db, default_language: str) -> dict[str, str]:
    """An admin's headers, for a school the notifier's directory knows in that language."""
    school_id = create_school(registrar_db)
    with notifier_db.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_school (school_id, name, slug, timezone, currency, default_language, "
            "changed_at, updated_at) VALUES (%s, 'Escuela', %s, 'UTC', 'EUR', %s, "
            "UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))",
            (school_id, f"escuela-{school_id}", default_language),
        )
    return {"Accesstoken": issue_token(registrar_db, school_id, "admin")}


@pytest.fixture
def admin(registrar_db, notifier_db) -> dict[str, str]:
    return admin_of(registrar_db, notifier_db, "en")


@pytest.fixture
def spanish_school_admin(registrar_db, notifier_db) -> dict[str, str]:
    return admin_of(registrar_db, notifier_db, "es")


def test_a_wording_is_saved_and_read_per_language(client, admin):
    saved = client.put(TEMPLATE, json=SPANISH, headers=admin)
    assert saved.status_code == 200
    assert saved.get_json()["language"] == "es"
    assert saved.get_json()["subject"] == SPANISH["subject"]

    spanish = client.get(f"{TEMPLATE}?language=es", headers=admin).get_json()
    assert (spanish["origin"], spanish["wording_language"]) == ("school", "es")
    assert spanish["text"] == SPANISH["text"]
    # English families keep the built-in wording: a school's Spanish is not theirs.
    english = client.get(TEMPLATE, headers=admin).get_json()
    assert (english["origin"], english["language"]) == ("default", "en")

    listed = client.get("/api/messages/templates", headers=admin).get_json()["templates"]
    assert next(t for t in listed if t["key"] == "needs_info")["languages"] == ["es"]


def test_a_language_the_notifier_does_not_speak_is_refused_and_nothing_is_saved(client, admin):
    refused = client.put(TEMPLATE, json={**SPANISH, "language": "fr"}, headers=admin)
    assert refused.status_code == 422
    assert "language" in refused.get_json()["error"]["details"]["fields"]
    assert client.get(f"{TEMPLATE}?language=fr", headers=admin).status_code == 422
    listed = client.get("/api/messages/templates", headers=admin).get_json()["templates"]
    assert next(t for t in listed if t["key"] == "needs_info")["languages"] == []


def test_without_a_wording_in_the_familys_language_the_schools_default_languages_stands_in(
    client, spanish_school_admin
):
    client.put(TEMPLATE, json=SPANISH, headers=spanish_school_admin)

    english = client.get(f"{TEMPLATE}?language=en", headers=spanish_school_admin).get_json()
    assert (english["origin"], english["wording_language"]) == ("school", "es")
    assert english["subject"] == SPANISH["subject"]

    client.put(TEMPLATE, json=ENGLISH, headers=spanish_school_admin)
    english = client.get(f"{TEMPLATE}?language=en", headers=spanish_school_admin).get_json()
    assert (english["wording_language"], english["subject"]) == ("en", ENGLISH["subject"])


def test_without_any_wording_of_the_school_the_built_in_one_is_shown(client, admin):
    client.put(TEMPLATE, json=ENGLISH, headers=admin)
    assert client.delete(f"{TEMPLATE}?language=en", headers=admin).status_code == 204

    spanish = client.get(f"{TEMPLATE}?language=es", headers=admin).get_json()
    assert (spanish["origin"], spanish["wording_language"]) == ("default", "es")
    assert "{% trans" in spanish["text"] or "_(" in spanish["text"]


def test_going_back_to_the_default_in_one_language_keeps_the_others(client, admin):
    client.put(TEMPLATE, json=SPANISH, headers=admin)
    client.put(TEMPLATE, json=ENGLISH, headers=admin)

    assert client.delete(f"{TEMPLATE}?language=es", headers=admin).status_code == 204

    listed = client.get("/api/messages/templates", headers=admin).get_json()["templates"]
    assert next(t for t in listed if t["key"] == "needs_info")["languages"] == ["en"]
    assert client.delete(TEMPLATE, headers=admin).status_code == 204
    listed = client.get("/api/messages/templates", headers=admin).get_json()["templates"]
    assert next(t for t in listed if t["key"] == "needs_info")["languages"] == []
