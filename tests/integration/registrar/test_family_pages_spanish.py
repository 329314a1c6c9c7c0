"""The family's pages in Spanish, on the session's MariaDB: a page a family link opens is in
the registration's language whatever the browser asks for, with its days, times and money as
Spanish writes them in the school's time zone; a page that no link opens (/family, an expired
or tampered link) is in `?lang=`'s language, else the browser's."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from registrar.entrypoints.app import create_app
from shared.family_links import FAMILY_LINK_LIFETIME
from tests.support.classes import enable_flag, registration_in_class
from tests.support.family import a_day_past, family_link_path, withdraw_form

FAMILY = "parent@example.com"
SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


def speaks(connection, registration_id: int, language: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE student_self_registrations SET language = %s WHERE id = %s",
            (language, registration_id),
        )


def in_madrid_with_euros(connection, school_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE schools SET currency = 'EUR', timezone = 'Europe/Madrid' WHERE id = %s",
            (school_id,),
        )


def set_stage(connection, registration_id: int, status: str, note: str | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE student_self_registrations SET status = %s, status_note = %s, "
            "info_missing = %s WHERE id = %s",
            (status, note, '["certificado de nacimiento"]', registration_id),
        )


@pytest.fixture
def placed(registrar_db, school) -> int:
    in_madrid_with_euros(registrar_db, school.id)
    registration_id = registration_in_class(
        registrar_db, school.id, status="in_review", fee_minor=123450
    )
    speaks(registrar_db, registration_id, "es")
    return registration_id


@pytest.fixture
def page(settings, school, placed) -> str:
    return family_link_path(settings, school.id, placed, FAMILY)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_the_status_page_is_in_the_registrations_language_whatever_the_browser_asks(client, page):
    html = text_of(client.get(page, headers=ENGLISH))
    assert '<html lang="es">' in html
    assert "Inscripción de Ada Lovelace" in html
    assert "En revisión" in html
    assert "Cada lunes, de 16:00 a 17:00" in html
    assert "Retirar la inscripción" in html
    assert "In review" not in html


def test_an_english_registration_stays_english_for_a_spanish_browser(
    client, registrar_db, page, placed
):
    speaks(registrar_db, placed, "en")
    html = text_of(client.get(page, headers=SPANISH))
    assert '<html lang="en">' in html
    assert "Ada Lovelace’s registration" in html


@pytest.mark.parametrize(
    ("status", "stage", "sentence"),
    [
        ("pending", "Recibida", "normalmente en dos días laborables"),
        ("in_review", "En revisión", "La escuela está revisando su inscripción"),
        ("needs_info", "La escuela necesita más información de usted", "Todavía falta"),
        ("approved", "Aprobada: se ofrece una plaza", "La escuela matriculará a Ada"),
        ("converted", "Matriculado: ¡bienvenido!", "Ada ya es alumno de"),
        ("rejected", "No aceptada", "no ha podido ofrecer una plaza esta vez"),
        ("withdrawn", "Retirada", "puede <a href="),
    ],
)
def test_every_stage_is_worded_in_spanish(
    client, registrar_db, page, placed, status, stage, sentence
):
    set_stage(registrar_db, placed, status, note="Falta el certificado.")
    html = text_of(client.get(page))
    assert f'<p class="stage" id="stage">{stage}</p>' in html
    assert sentence in html
    if status in ("needs_info", "rejected", "withdrawn"):  # the stages that show the note
        assert "Falta el certificado." in html


def test_the_withdrawn_page_offers_the_spanish_form_again(client, registrar_db, page, placed):
    set_stage(registrar_db, placed, "withdrawn")
    assert re.search(
        r'href="/register/[\w-]+\?lang=es">inscribirse de nuevo</a>', text_of(client.get(page))
    )


def test_the_class_term_and_the_links_lifetime_are_spanish_days(client, page):
    html = text_of(client.get(page))
    term = re.search(r"<dt>Trimestre</dt><dd>del (.+?) al (.+?)</dd>", html)
    assert term, html
    assert re.fullmatch(r"\d{1,2} de [a-z]+ de \d{4}", term[1])
    assert re.search(r"Funciona hasta el \d{1,2} de [a-z]+ de \d{4}, \d{1,2}:\d{2}", html)
    assert 'href="/family?lang=es">obtenga un enlace nuevo</a>' in html


def test_the_invoice_is_in_euros_as_spanish_writes_them(client, registrar_db, school, page, placed):
    enable_flag(registrar_db, school.id, "autopay")
    client.post(
        "/api/admin/self-registration/approve",
        json={"registration_id": placed, "send_invoice": True, "send_autopay_link": True},
        headers=school.headers("registrar"),
    )
    html = text_of(client.get(page))
    assert "<dt>Importe</dt><dd>1.234,50\u00a0€</dd>" in html
    assert "<dt>Pendiente de pago</dt><dd>" in html
    assert "Activar los pagos automáticos" in html
    assert "EUR 1,234.50" not in html


def test_a_stale_withdrawal_is_refused_in_spanish(client, page):
    form = withdraw_form(text_of(client.get(page)))
    client.post(f"{page}/withdraw", data=form)
    replay = client.post(f"{page}/withdraw", data=form)
    assert replay.status_code == 403
    assert "Esta página estaba desactualizada" in text_of(replay)


def test_a_tampered_link_answers_in_the_browsers_language(client, page):
    response = client.get(page[:-4] + "abcd", headers=SPANISH)
    html = text_of(response)
    assert response.status_code == 403
    assert '<html lang="es">' in html
    assert "Este enlace no funciona" in html
    assert 'href="/family?lang=es"' in html


def test_an_expired_link_answers_in_the_browsers_language(settings, page):
    later = a_day_past(datetime.now(timezone.utc), FAMILY_LINK_LIFETIME.days)
    app = create_app(settings, {"TESTING": True, "EDQUILL_FAMILY_CLOCK": lambda: later})
    response = app.test_client().get(page, headers=SPANISH)
    assert response.status_code == 410
    assert "Este enlace ha caducado" in text_of(response)


def test_fresh_links_are_asked_for_in_the_browsers_language_on_a_first_visit(client):
    html = text_of(client.get("/family", headers=SPANISH))
    assert '<html lang="es">' in html
    assert "Obtenga el enlace de su inscripción" in html
    assert '<label for="guardian_email">Su dirección de correo electrónico</label>' in html
    assert '<html lang="en">' in text_of(client.get("/family", headers=ENGLISH))


def test_the_familys_choice_of_language_wins_over_the_browser(client, client_address):
    form = text_of(client.get("/family?lang=es", headers=ENGLISH))
    assert "Enviarme los enlaces" in form
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)[1]
    sent = client.post(
        "/family",
        data={"csrf_token": token, "guardian_email": "nadie@example.com", "lang": "es"},
        headers={**ENGLISH, "X-Forwarded-For": client_address},
    )
    assert sent.status_code == 303
    assert sent.headers["Location"].endswith("/family/sent?lang=es")
    answer = text_of(client.get(sent.headers["Location"], headers=ENGLISH))
    assert "Revise su correo electrónico" in answer


def test_a_malformed_address_is_named_in_spanish(client):
    form = text_of(client.get("/family?lang=es"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)[1]
    response = client.post(
        "/family", data={"csrf_token": token, "guardian_email": "no-es-correo", "lang": "es"}
    )
    assert response.status_code == 422
    assert "no-es-correo" in text_of(response)
    assert "Revise el formulario" in text_of(response)


def test_the_fresh_link_page_offers_its_languages_and_marks_the_current_one(client):
    html = text_of(client.get("/family", headers=ENGLISH))
    assert '<a href="/family?lang=es" hreflang="es" lang="es">Español</a>' in html
    assert '<span aria-current="true" lang="en">English</span>' in html
    chosen = text_of(client.get("/family?lang=es", headers=ENGLISH))
    assert '<span aria-current="true" lang="es">Español</span>' in chosen
    assert '<a href="/family?lang=en" hreflang="en" lang="en">English</a>' in chosen
