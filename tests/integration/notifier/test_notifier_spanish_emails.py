"""The e-mails that were English only, now in Spanish for a Spanish registration, through the
real worker, RabbitMQ, MariaDB and the SMTP sink: the family link a family asked for, the
confirmation an unsubscribed address gets when a Spanish form asks for reminders again, and a
digest of held reminders, with its days and amounts written the Spanish way."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from notifier.domain.unsubscribe_links import unsubscribe_token
from notifier.entrypoints.app import create_app
from shared.signing import KeyRing
from tests.support.notifier import (
    Family,
    new_school_id,
    registration_consent_of,
    school_created,
    statuses_of,
    unique_email,
    utc,
)
from tests.support.waiting import wait_until

# 22:30 in New York on Wednesday 14 January: inside the default quiet hours; then 08:00.
LATE_EVENING = utc(2026, 1, 15, 3, 30)
NEXT_MORNING = utc(2026, 1, 15, 13, 0)
NEEDS_INFO_WAIT = timedelta(hours=72)
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}


@pytest.fixture
def school_id(queues):
    school_id = new_school_id()
    queues.publish_event(
        school_created(school_id, name="Escuela Sol", timezone_name="America/New_York")
    )
    return school_id


def plain(message) -> str:
    return message.parsed().get_body(("plain",)).get_content()


def html(message) -> str:
    return message.parsed().get_body(("html",)).get_content()


def test_a_spanish_family_gets_its_family_link_in_spanish(start_worker, queues, sink, school_id):
    start_worker()
    family = Family(school_id, unique_email(), student_first_name="Nora", guardian_name="Ada")
    queues.publish_event(
        family.event("selfreg.family_link.requested", status="in_review", language="es")
    )

    (message,) = sink.wait_for(1, timeout=20)
    assert message.subject == "Escuela Sol: el enlace de la inscripción de Nora"
    body = plain(message)
    assert "Estimado/a Ada:" in body
    assert "Pidió un enlace a la inscripción de Nora" in body
    assert "en revisión" in body
    assert "Ábralo aquí: " in body
    assert '<html lang="es">' in html(message)
    assert "Abrir la inscripción" in html(message)


def test_a_spanish_form_asks_an_unsubscribed_address_again_in_spanish(
    start_worker, queues, sink, clock, settings, notifier_db, school_id
):
    first = Family(school_id, unique_email(), guardian_name="Grace")
    start_worker()
    queues.publish_event(first.submitted(consent=True, occurred_at=clock()))
    wait_until(
        lambda: registration_consent_of(notifier_db, school_id, first.registration_id),
        what="the first form's consent",
    )
    clock.advance(minutes=1)
    client = create_app(settings, {"TESTING": True, "NOTIFIER_CLOCK": clock}).test_client()
    token = unsubscribe_token(KeyRing.of(settings), school_id, first.email)
    assert client.post(f"/unsubscribe/{token}").status_code == 200
    clock.advance(minutes=1)

    again = Family(school_id, first.email, guardian_name="Lucía", student_first_name="Nora")
    queues.publish_event(again.submitted(consent=True, occurred_at=clock(), language="es"))

    message = next(
        m
        for m in sink.wait_for(1, timeout=20)
        if m.subject == "Escuela Sol: confirme que quiere volver a recibir recordatorios"
    )
    body = plain(message)
    assert "Estimado/a Lucía:" in body
    assert "Esta dirección se dio de baja de los recordatorios de Escuela Sol" in body
    # The link's last day, as Spanish writes a day ("28 de enero de 2026").
    assert re.search(r"\(funciona hasta el \d{1,2} de [a-z]+ de \d{4}\):", body), body
    assert "«Sí, envíenme recordatorios»" in body
    assert '<html lang="es">' in html(message)


def test_held_reminders_go_as_one_spanish_digest(
    start_worker, queues, sink, clock, settings, notifier_db, school_id
):
    email = unique_email()
    children = (
        Family(school_id, email, student_first_name="Ada", guardian_name="Lucía"),
        Family(school_id, email, student_first_name="Alan", guardian_name="Lucía"),
    )
    for child in children:
        queues.publish_event(child.submitted(consent=True, language="es"))
    clock.set(LATE_EVENING)
    start_worker()
    asked_at = clock() - NEEDS_INFO_WAIT - timedelta(hours=1)
    for child in children:
        queues.publish_event(child.needs_info(occurred_at=asked_at, language="es"))
    wait_until(
        lambda: statuses_of(notifier_db, school_id).count(("needs_info_reminder", "held")) == 2,
        what="both reminders held",
    )

    clock.set(NEXT_MORNING)

    digest = sink.wait_for(3)[-1]
    assert digest.subject == "2 recordatorios de Escuela Sol"
    body = plain(digest)
    assert "Quedan algunas cosas pendientes con Escuela Sol:" in body
    assert "Todavía necesitamos información de Ada (la pedimos el 12 de enero de 2026)." in body
    assert "Todavía necesitamos información de Alan" in body
    assert "Recibe recordatorios porque los aceptó. Para detenerlos: " in body
    assert '<html lang="es">' in html(digest)

    # Its unsubscribe link opens the page in the e-mail's language, whatever the browser's.
    link = re.search(r"\S+/unsubscribe/[^\s\"<]+\?lang=es", body)[0]
    client = create_app(settings, {"TESTING": True, "NOTIFIER_CLOCK": clock}).test_client()
    page = client.get(urlsplit(link)._replace(scheme="", netloc="").geturl(), headers=ENGLISH)
    assert page.status_code == 200
    assert '<html lang="es">' in page.get_data(as_text=True)


def turn_status_updates_on(connection, school_id: int, statuses: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_school_notice_settings (school_id, quiet_hours_start, "
            "quiet_hours_end, status_updates, needs_info_reminder_hours, "
            "invoice_reminder_hours, updated_at) "
            "VALUES (%s, '22:00', '08:00', %s, 72, 168, UTC_TIMESTAMP(6))",
            (school_id, statuses),
        )


def test_a_status_update_is_worded_in_spanish(start_worker, queues, sink, notifier_db, school_id):
    turn_status_updates_on(notifier_db, school_id, "in_review")
    start_worker()
    family = Family(school_id, unique_email(), student_first_name="Nora", guardian_name="Ada")
    queues.publish_event(family.moved("pending", "in_review", language="es"))

    (message,) = sink.wait_for(1, timeout=20)
    assert message.subject == "Escuela Sol: la inscripción de Nora: en revisión"
    assert "Estimado/a Ada:" in plain(message)
    assert '<html lang="es">' in html(message)


def test_an_approval_gives_the_invoice_in_spanish_money(start_worker, queues, sink, school_id):
    start_worker()
    family = Family(school_id, unique_email(), student_first_name="Nora")
    queues.publish_event(family.invoice_issued(91, language="es"))

    (message,) = sink.wait_for(1, timeout=20)
    assert message.subject == "Escuela Sol: la inscripción de Nora está aprobada"
    assert "250,00\xa0US$" in plain(message)
    assert "$250.00" not in plain(message)


def test_reminders_keep_the_language_of_the_event_that_scheduled_them(
    start_worker, queues, sink, clock, school_id
):
    family = Family(school_id, unique_email(), student_first_name="Nora")
    queues.publish_event(family.submitted(consent=True, language="es"))
    start_worker()
    queues.publish_event(family.needs_info(occurred_at=clock(), language="es"))
    queues.publish_event(family.invoice_issued(92, occurred_at=clock(), language="es"))
    sink.wait_for(2, timeout=20)

    clock.advance(hours=72, minutes=1)
    needs_info = sink.wait_for(3)[-1]
    clock.advance(hours=96, minutes=1)
    invoice = sink.wait_for(4)[-1]

    assert needs_info.subject == (
        "Recordatorio de Escuela Sol: todavía necesitamos información de Nora"
    )
    assert invoice.subject == "Recordatorio de Escuela Sol: la factura INV-0092 sigue pendiente"
    assert "250,00\xa0US$" in plain(invoice)
    assert "?lang=es" in plain(invoice)  # its unsubscribe link opens the Spanish page
