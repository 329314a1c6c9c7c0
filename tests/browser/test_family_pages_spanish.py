"""The family's page in Spanish in Chromium, opened from a real Spanish e-mail: the needs-info
e-mail the notifier sent to the SMTP sink, in the registration's language, carries the family
link; the status page it opens is in Spanish too, whatever language the browser asks for."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from registrar.service_layer.assignments import assign_class
from registrar.service_layer.lead_status import change_status
from tests.browser.conftest import PAGE_TIMEOUT_MS
from tests.support.factories import create_registration
from tests.support.family import family_path_in
from tests.support.workspace import unique_family_email, wait_for_mail

STAFF = "setup@school.example"
QUESTION = "Envíe una copia del certificado de nacimiento."


@pytest.fixture
def english_browser_tab(browser, system):
    """A tab whose browser asks for English: the page must follow the registration instead."""
    context = browser.new_context(base_url=system.registrar_url, locale="en-US")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def speaks_spanish(connection, registration_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE student_self_registrations SET language = 'es' WHERE id = %s",
            (registration_id,),
        )


def test_a_spanish_needs_info_mails_link_opens_the_status_page_in_spanish(
    english_browser_tab, settings, demo_school, registrar_db, system
):
    email = unique_family_email()
    registration_id = create_registration(
        registrar_db, demo_school.id, first_name="Lucía", last_name="García", email=email
    )
    speaks_spanish(registrar_db, registration_id)
    change_status(registrar_db, demo_school.id, registration_id, "in_review", STAFF)
    assign_class(
        registrar_db,
        demo_school.id,
        registration_id,
        demo_school.teachers["Alan Turing"],
        demo_school.schedules["Chess club"],
        STAFF,
    )
    change_status(
        registrar_db,
        demo_school.id,
        registration_id,
        "needs_info",
        STAFF,
        note=QUESTION,
        missing=("certificado de nacimiento",),
    )
    body = wait_for_mail(system.sink, email, QUESTION)
    assert "Todavía falta:" in body  # the e-mail itself is the Spanish one

    tab = english_browser_tab
    tab.goto(family_path_in(body, settings.public_url))

    expect(tab.locator("html")).to_have_attribute("lang", "es")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Inscripción de Lucía García")
    expect(tab.locator("#stage")).to_have_text("La escuela necesita más información de usted")
    expect(tab.locator("#school-question")).to_have_text(QUESTION)
    expect(tab.get_by_role("heading", name="La clase")).to_be_visible()
    # The class's day and times as Spanish writes them: "Cada martes, de 16:00 a 17:00".
    expect(tab.locator("dl.facts").first).to_contain_text(
        re.compile(r"Cada [a-zéá]+, de \d{1,2}:\d{2} a \d{1,2}:\d{2}")
    )
    # The withdraw form is labelled in Spanish, and its label leads to its field.
    expect(tab.get_by_label("¿Por qué la retira?")).to_be_editable()
    expect(tab.get_by_role("button", name="Retirar la inscripción")).to_be_visible()
