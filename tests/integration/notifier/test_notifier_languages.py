"""E-mails in the family's language, through the real notifier to a loopback SMTP server: the
registration's language (carried by its events), the school's own wording kept per language,
and the school's default language's wording when the family's has none."""

from __future__ import annotations

import pytest

from tests.support.notifier import Family, new_school_id, school_created, unique_email


@pytest.fixture
def school_id(queues):
    school_id = new_school_id()
    queues.publish_event(school_created(school_id, name="Escuela Sol"))
    return school_id


@pytest.fixture
def spanish_default_school_id(queues):
    school_id = new_school_id()
    queues.publish_event(school_created(school_id, name="Escuela Luna", default_language="es"))
    return school_id


def _keep_wording(notifier_db, school_id: int, language: str, subject: str) -> None:
    with notifier_db.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_message_template (school_id, template_key, language, subject, "
            "body_text, body_html, created_at, updated_at) VALUES (%s, 'needs_info', %s, %s, "
            "'{{ note }}', '<p>{{ note }}</p>', UTC_TIMESTAMP(), UTC_TIMESTAMP())",
            (school_id, language, subject),
        )


def _body(message) -> str:
    return message.parsed().get_body(("plain",)).get_content()


def test_a_spanish_registration_gets_its_needs_info_email_in_spanish(
    start_worker, queues, sink, school_id
):
    start_worker()
    family = Family(school_id, unique_email(), student_first_name="Nora", guardian_name="Ada")
    queues.publish_event(family.needs_info(language="es"))

    (message,) = sink.wait_for(1, timeout=20)
    assert message.subject == (
        "Escuela Sol: necesitamos un poco más de información para la inscripción de Nora"
    )
    body = _body(message)
    assert "Estimado/a Ada:" in body and "Todavía falta:" in body
    assert '<html lang="es">' in message.parsed().get_body(("html",)).get_content()


def test_an_english_registration_at_the_same_school_stays_english(
    start_worker, queues, sink, school_id
):
    start_worker()
    family = Family(school_id, unique_email(), student_first_name="Nora")
    queues.publish_event(family.needs_info(language="en"))

    (message,) = sink.wait_for(1, timeout=20)
    assert (
        message.subject == "Escuela Sol: we need a little more information for Nora's registration"
    )


def test_a_registration_without_a_language_reads_the_schools_default(
    start_worker, queues, sink, spanish_default_school_id
):
    start_worker()
    queues.publish_event(Family(spanish_default_school_id, unique_email()).invoice_paid(81))

    (message,) = sink.wait_for(1, timeout=20)
    assert message.subject == "Escuela Luna: pago recibido de la factura INV-0081"
    assert "250,00\xa0US$" in _body(message)


def test_the_schools_spanish_wording_is_used_for_a_spanish_family(
    start_worker, queues, sink, notifier_db, school_id
):
    _keep_wording(notifier_db, school_id, "en", "Our English wording")
    _keep_wording(notifier_db, school_id, "es", "Nuestro texto en español")
    start_worker()
    queues.publish_event(Family(school_id, unique_email()).needs_info(language="es"))

    (message,) = sink.wait_for(1, timeout=20)
    assert message.subject == "Nuestro texto en español"


def test_without_its_spanish_wording_the_school_default_languages_wording_stands_in(
    start_worker, queues, sink, notifier_db, school_id
):
    _keep_wording(notifier_db, school_id, "en", "Our English wording")
    start_worker()
    queues.publish_event(Family(school_id, unique_email()).needs_info(language="es"))

    (message,) = sink.wait_for(1, timeout=20)
    assert message.subject == "Our English wording"


def test_a_spanish_welcome_gives_the_class_day_and_times_in_spanish(
    start_worker, queues, sink, school_id
):
    start_worker()
    family = Family(school_id, unique_email(), student_first_name="Nora")
    queues.publish_event(family.welcome_requested(501, language="es"))

    (message,) = sink.wait_for(1, timeout=20)
    assert message.subject == "¡Bienvenido a Escuela Sol, Nora!"
    body = _body(message)
    assert "Clase: Piano, cada lunes 16:00-17:00, Room 4" in body
    assert "Primera clase: 5 de enero de 2026" in body
