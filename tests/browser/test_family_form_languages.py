"""The family's form in Spanish, in Chromium: asked for by the browser (Accept-Language) and
chosen with the page's language link; the page says its language, and the registration keeps
Spanish for every later e-mail."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.workspace import unique_family_email

PHONE = {"width": 390, "height": 844}


def _tab(browser, system, **options):
    context = browser.new_context(
        base_url=system.registrar_url, viewport=PHONE, is_mobile=True, **options
    )
    return context, context.new_page()


@pytest.fixture
def spanish_browser_page(browser, system):
    context, tab = _tab(browser, system, locale="es-ES")
    yield tab
    context.close()


@pytest.fixture
def english_browser_page(browser, system):
    context, tab = _tab(browser, system, locale="en-US")
    yield tab
    context.close()


def _language_of(connection, school_id: int, email: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT language FROM student_self_registrations "
            "WHERE school_id = %s AND guardian_email = %s",
            (school_id, email),
        )
        row = cursor.fetchone()
    return row["language"] if row else None


def test_a_spanish_browser_reads_the_form_in_spanish_and_registers_in_spanish(
    spanish_browser_page, demo_school, registrar_db
):
    tab = spanish_browser_page
    email = unique_family_email()
    tab.goto(f"/register/{demo_school.slug}")

    expect(tab.locator("html")).to_have_attribute("lang", "es")
    tab.get_by_label(re.compile(r"^Nombre")).fill("Nora")
    tab.get_by_label("Apellidos").fill("Okafor")
    tab.get_by_label("Correo electrónico").fill(email)
    tab.get_by_role("button", name="Enviar inscripción").click()

    expect(tab.get_by_role("heading", level=1)).to_have_text(
        "Gracias: hemos recibido su inscripción"
    )
    expect(tab.locator("html")).to_have_attribute("lang", "es")
    assert _language_of(registrar_db, demo_school.id, email) == "es"


def test_the_language_link_turns_an_english_page_to_spanish(
    english_browser_page, demo_school, registrar_db
):
    tab = english_browser_page
    email = unique_family_email()
    tab.goto(f"/register/{demo_school.slug}")
    expect(tab.locator("html")).to_have_attribute("lang", "en")

    tab.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()

    expect(tab.locator("html")).to_have_attribute("lang", "es")
    expect(tab.get_by_label("Idioma de los correos de la escuela")).to_have_value("es")
    tab.get_by_label(re.compile(r"^Nombre")).fill("Nora")
    tab.get_by_label("Apellidos").fill("Okafor")
    tab.get_by_label("Correo electrónico").fill(email)
    tab.get_by_role("button", name="Enviar inscripción").click()

    expect(tab.get_by_role("heading", level=1)).to_have_text(
        "Gracias: hemos recibido su inscripción"
    )
    assert _language_of(registrar_db, demo_school.id, email) == "es"


def test_an_error_in_a_spanish_form_is_told_in_spanish(spanish_browser_page, demo_school):
    tab = spanish_browser_page
    tab.goto(f"/register/{demo_school.slug}")
    tab.get_by_role("button", name="Enviar inscripción").click()

    expect(tab.get_by_role("alert")).to_contain_text("Escriba el nombre del alumno.")
