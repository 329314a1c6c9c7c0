"""Each event sends the right message to the right address, read back from the SMTP sink."""

from __future__ import annotations

import pytest

from tests.support.notifier import Family, messages_of, new_school_id, school_created, unique_email
from tests.support.waiting import wait_until


@pytest.fixture
def school_id(queues):
    school_id = new_school_id()
    queues.publish_event(school_created(school_id, name="Sunrise Music School"))
    return school_id


@pytest.fixture
def family(school_id):
    return Family(
        school_id,
        unique_email(),
        guardian_name="Grace Hopper",
        student_first_name="Ada",
        student_last_name="Lovelace",
    )


def only_message(sink):
    (message,) = sink.wait_for(1)
    return message.parsed()


def test_needs_info_sends_the_registrars_message_and_what_is_missing(
    start_worker, queues, sink, family
):
    start_worker()
    queues.publish_event(
        family.needs_info(
            note="Please send a copy of the birth certificate.",
            missing='["birth certificate", "photo"]',
        )
    )

    message = only_message(sink)

    assert message["To"] == family.email
    assert message["Subject"] == (
        "Sunrise Music School: we need a little more information for Ada's registration"
    )
    text = message.get_body(("plain",)).get_content()
    assert "Dear Grace Hopper" in text
    assert "Please send a copy of the birth certificate." in text
    assert "- birth certificate" in text and "- photo" in text
    assert "<li>photo</li>" in message.get_body(("html",)).get_content()


def test_every_message_offers_one_click_unsubscribe(start_worker, queues, sink, family):
    start_worker()
    queues.publish_event(family.needs_info())

    message = only_message(sink)

    assert message["List-Unsubscribe"].startswith("<http")
    assert "/unsubscribe/" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_approval_carries_the_invoice_and_autopay_link_when_asked(
    start_worker, queues, sink, family, settings
):
    start_worker()
    queues.publish_event(family.invoice_issued(7, send_invoice=True, send_autopay_link=True))

    message = only_message(sink)

    assert message["To"] == family.email
    assert message["Subject"] == "Sunrise Music School: Ada's registration is approved"
    text = message.get_body(("plain",)).get_content()
    assert "Invoice INV-0007" in text and "Total due: $250.00" in text
    assert f"{settings.public_url}/autopay/" in text


def test_the_approval_leaves_out_what_the_registrar_did_not_ask_for(
    start_worker, queues, sink, family
):
    start_worker()
    queues.publish_event(family.invoice_issued(8, send_invoice=False, send_autopay_link=False))

    text = only_message(sink).get_body(("plain",)).get_content()

    assert "is approved" in text
    assert "Invoice" not in text and "autopay" not in text


def test_a_welcome_request_sends_the_welcome_with_the_class(start_worker, queues, sink, family):
    start_worker()
    queues.publish_event(family.welcome_requested(student_id=501))

    message = only_message(sink)

    assert message["Subject"] == "Welcome to Sunrise Music School, Ada!"
    text = message.get_body(("plain",)).get_content()
    assert "Class: Piano, Mondays 4:00\u202fPM-5:00\u202fPM, Room 4" in text


def test_a_payment_sends_a_receipt(start_worker, queues, sink, family):
    start_worker()
    queues.publish_event(family.invoice_paid(9))

    message = only_message(sink)

    assert message["Subject"] == "Sunrise Music School: payment received for invoice INV-0009"
    assert (
        "we received $250.00. Paid on January 9, 2026."
        in message.get_body(("plain",)).get_content()
    )


def test_a_status_update_goes_when_the_school_turned_it_on(
    start_worker, queues, sink, family, notifier_db, school_id
):
    with notifier_db.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_school_notice_settings (school_id, quiet_hours_start, "
            "quiet_hours_end, status_updates, needs_info_reminder_hours, "
            "invoice_reminder_hours, updated_at) VALUES (%s, '21:00', '08:00', "
            "'in_review', 72, 168, UTC_TIMESTAMP())",
            (school_id,),
        )
    start_worker()
    queues.publish_event(family.moved("pending", "in_review"))

    assert only_message(sink)["Subject"] == (
        "Sunrise Music School: Ada's registration is in review"
    )


def test_a_status_change_the_school_did_not_turn_on_sends_nothing(
    start_worker, queues, sink, family, notifier_db, school_id
):
    start_worker()
    queues.publish_event(family.moved("pending", "in_review"))
    queues.publish_event(family.invoice_paid(10))  # something that does send, to wait for

    sink.wait_for(1)
    assert [row["template_key"] for row in messages_of(notifier_db, school_id)] == ["receipt"]


def test_without_names_the_message_still_reads_well(start_worker, queues, sink, school_id):
    start_worker()
    queues.publish_event(Family(school_id, unique_email()).needs_info())

    message = only_message(sink)

    assert message["Subject"] == "Sunrise Music School: we need a little more information"
    assert "Dear parent or guardian" in message.get_body(("plain",)).get_content()


def test_a_sent_message_is_logged_with_its_event_registration_and_template(
    start_worker, queues, sink, family, notifier_db, school_id
):
    start_worker()
    event = family.needs_info()
    queues.publish_event(event)
    message = only_message(sink)

    (row,) = wait_until(
        lambda: [r for r in messages_of(notifier_db, school_id) if r["status"] == "sent"],
        what="the message marked sent",
    )
    assert (row["event_id"], row["event_type"], row["registration_id"]) == (
        event.event_id,
        "selfreg.status.updated",
        family.registration_id,
    )
    assert (row["template_key"], row["recipient"], row["purpose"]) == (
        "needs_info",
        family.email,
        "transactional",
    )
    assert row["message_id"] == message["Message-ID"]
    assert row["sent_at"] is not None and row["attempts"] == 1


def test_an_event_carrying_its_schools_snapshot_is_sent_without_a_school_event(
    start_worker, queues, sink
):
    stranger = Family(new_school_id(), unique_email(), student_first_name="Ada")
    start_worker()
    queues.publish_event(
        stranger.needs_info(
            school={
                "name": "Harbour Arts",
                "slug": "harbour-arts",
                "timezone": "Europe/Lisbon",
                "currency": "EUR",
            }
        )
    )

    message = only_message(sink)

    assert message["To"] == stranger.email
    assert message["Subject"].startswith("Harbour Arts: ")
