"""The autopay page in Spanish, on the session's MariaDB: a Spanish registration's link opens
it in Spanish whatever the browser asks, with the amount in euros and the link's last moment
as Spanish writes them in the school's time zone; its refusals are in Spanish too, and a link
that opens nothing answers in the browser's language."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from shared.family_links import AutopayLink, sign_autopay_link
from shared.signing import KeyRing
from tests.support.classes import enable_flag, registration_in_class

ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}
SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}


@pytest.fixture
def invoice(client, school, registrar_db) -> dict:
    """An issued invoice of 1.234,50 € for a Spanish registration, with its autopay link."""
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "UPDATE schools SET currency = 'EUR', timezone = 'Europe/Madrid' WHERE id = %s",
            (school.id,),
        )
    enable_flag(registrar_db, school.id, "autopay")
    registration_id = registration_in_class(registrar_db, school.id, fee_minor=123450)
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "UPDATE student_self_registrations SET language = 'es' WHERE id = %s",
            (registration_id,),
        )
    return client.post(
        "/api/admin/self-registration/approve",
        json={"registration_id": registration_id, "send_invoice": True, "send_autopay_link": True},
        headers=school.headers("registrar"),
    ).get_json()


@pytest.fixture
def page_path(invoice, settings) -> str:
    return invoice["autopay_url"].removeprefix(settings.public_url)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def test_a_spanish_registrations_link_opens_the_page_in_spanish(client, invoice, page_path):
    html = client.get(page_path, headers=ENGLISH).get_data(as_text=True)
    assert '<html lang="es">' in html
    assert f"Pago automático de la factura {invoice['number']}" in html
    assert "<dd>1.234,50\u00a0€</dd>" in html
    assert '<label for="signer_name">' in html
    # The link's last moment on the school's clock, as Spanish writes it; no UTC suffix.
    until = r"Este enlace funciona hasta el \d{1,2} de [a-z]+ de \d{4}, \d{1,2}:\d{2}\."
    assert re.search(until, html)


def test_a_form_without_consent_is_refused_in_spanish(client, page_path):
    form = client.get(page_path).get_data(as_text=True)
    response = client.post(
        page_path, data={"csrf_token": csrf_of(form), "signer_name": "Lucía García"}
    )
    assert response.status_code == 422
    assert "Marque la casilla para autorizar los pagos." in response.get_data(as_text=True)


def test_once_set_up_the_page_says_so_in_spanish(client, page_path):
    form = client.get(page_path).get_data(as_text=True)
    done = client.post(
        page_path,
        data={"csrf_token": csrf_of(form), "signer_name": "Lucía García", "consent": "yes"},
        follow_redirects=True,
    )
    html = done.get_data(as_text=True)
    assert "El pago automático está activado." in html
    assert re.search(r"Lucía García lo autorizó el \d{1,2} de [a-z]+ de \d{4}", html)


def test_an_expired_link_answers_in_the_browsers_language(client, invoice, school, settings):
    token = sign_autopay_link(
        KeyRing.of(settings),
        AutopayLink(school.id, invoice["id"], datetime.now(timezone.utc) - timedelta(seconds=1)),
    )
    response = client.get(f"/autopay/{token}", headers=SPANISH)
    assert response.status_code == 410
    assert '<html lang="es">' in response.get_data(as_text=True)
    assert "Este enlace ha caducado" in response.get_data(as_text=True)
