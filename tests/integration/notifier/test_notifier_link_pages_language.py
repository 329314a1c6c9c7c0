"""The families' link pages (unsubscribe) in the family's language, over HTTP with the real
database: the browser's language, else the school's default, and `<html lang>` to match."""

from __future__ import annotations

import pytest

from notifier.domain.unsubscribe_links import unsubscribe_token
from notifier.entrypoints.app import create_app
from shared.signing import KeyRing
from tests.support.notifier import new_school_id


@pytest.fixture
def notifier_client(settings, clock):
    app = create_app(settings, {"TESTING": True, "NOTIFIER_CLOCK": clock})
    return app.test_client()


def _school(notifier_db, default_language: str) -> int:
    school_id = new_school_id()
    with notifier_db.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_school (school_id, name, slug, timezone, currency, default_language, "
            "changed_at, updated_at) VALUES (%s, 'Escuela Sol', %s, 'UTC', 'USD', %s, "
            "UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))",
            (school_id, f"sol-{school_id}", default_language),
        )
    return school_id


def _page(notifier_client, settings, school_id, **headers):
    token = unsubscribe_token(KeyRing.of(settings), school_id, "p@families.example")
    return notifier_client.get(f"/unsubscribe/{token}", headers=headers).get_data(as_text=True)


def test_a_spanish_browser_reads_the_unsubscribe_page_in_spanish(
    notifier_client, settings, notifier_db
):
    page = _page(notifier_client, settings, _school(notifier_db, "en"), **{"Accept-Language": "es"})
    assert '<html lang="es">' in page
    assert "¿Dejar de recibir recordatorios?" in page and "Darme de baja" in page


def test_without_a_browser_language_the_schools_default_is_read(
    notifier_client, settings, notifier_db
):
    page = _page(notifier_client, settings, _school(notifier_db, "es"))
    assert '<html lang="es">' in page and "Escuela Sol" in page


def test_an_english_browser_reads_english_at_a_spanish_school(
    notifier_client, settings, notifier_db
):
    page = _page(notifier_client, settings, _school(notifier_db, "es"), **{"Accept-Language": "en"})
    assert '<html lang="en">' in page and "Stop reminders?" in page


def test_the_address_is_escaped_inside_the_translated_sentence(notifier_client, settings):
    token = unsubscribe_token(KeyRing.of(settings), new_school_id(), "a<b>@families.example")
    page = notifier_client.get(f"/unsubscribe/{token}").get_data(as_text=True)
    assert "a&lt;b&gt;@families.example" in page
