"""Consent: recorded from the registration form and the unsubscribe link, with where and when;
reminders go only with it, transactional mail goes regardless and is logged as such."""

from __future__ import annotations

from datetime import timedelta

import pytest

from notifier.domain.unsubscribe_links import unsubscribe_token
from notifier.entrypoints.app import create_app
from shared.signing import KeyRing
from tests.support.notifier import (
    Family,
    consent_of,
    messages_of,
    new_school_id,
    registration_consent_of,
    school_created,
    statuses_of,
    unique_email,
    utc,
)
from tests.support.waiting import stays_true, wait_until


@pytest.fixture
def school_id(queues):
    school_id = new_school_id()
    queues.publish_event(school_created(school_id))
    return school_id


@pytest.fixture
def notifier_client(settings, clock):
    app = create_app(settings, {"TESTING": True, "NOTIFIER_CLOCK": clock})
    return app.test_client()


def test_consent_given_on_the_form_is_recorded_for_its_registration_with_where_and_when(
    start_worker, queues, notifier_db, school_id
):
    family = Family(school_id, unique_email())
    start_worker()
    queues.publish_event(family.submitted(consent=True, submitted_at="2026-01-10T09:30:00.000000Z"))

    record = wait_until(
        lambda: registration_consent_of(notifier_db, school_id, family.registration_id).get(
            "reminders"
        ),
        what="the consent recorded",
    )
    assert (record["granted"], record["recipient"]) == (1, family.email)
    assert (record["changed_via"], record["changed_at"]) == (
        "self_registration_form",
        utc(2026, 1, 10, 9, 30).replace(tzinfo=None),
    )
    assert record["evidence"] == f"registration {family.registration_id}"
    # A form proves nothing about who holds the address: the address itself has no decision.
    assert consent_of(notifier_db, school_id, family.email) == {}


def test_a_reminder_without_consent_is_suppressed_and_logged(
    start_worker, queues, sink, clock, notifier_db, school_id
):
    family = Family(school_id, unique_email())
    queues.publish_event(family.submitted(consent=False))
    start_worker()
    queues.publish_event(family.needs_info(occurred_at=clock() - timedelta(hours=73)))

    wait_until(
        lambda: ("needs_info_reminder", "suppressed") in statuses_of(notifier_db, school_id),
        what="the reminder suppressed",
    )
    row = [r for r in messages_of(notifier_db, school_id) if r["status"] == "suppressed"][0]
    assert "no consent for reminders" in row["error"]
    assert (row["purpose"], row["recipient"]) == ("reminders", family.email)
    sink.wait_for(1)  # the request itself
    assert stays_true(lambda: len(sink.messages()) == 1, 0.3)


def test_transactional_mail_goes_without_consent_and_is_logged_as_transactional(
    start_worker, queues, sink, notifier_db, school_id
):
    family = Family(school_id, unique_email())
    queues.publish_event(family.submitted(consent=False))
    start_worker()
    queues.publish_event(family.invoice_paid(51))

    sink.wait_for(1)
    (row,) = wait_until(
        lambda: [r for r in messages_of(notifier_db, school_id) if r["status"] == "sent"],
        what="the receipt sent",
    )
    assert row["purpose"] == "transactional"


def test_one_click_unsubscribe_records_the_opt_out(
    notifier_client, settings, queues, clock, start_worker, notifier_db, school_id
):
    family = Family(school_id, unique_email())
    start_worker()
    queues.publish_event(family.submitted(consent=True, occurred_at=clock()))
    clock.advance(minutes=1)
    wait_until(
        lambda: registration_consent_of(notifier_db, school_id, family.registration_id),
        what="consent",
    )
    token = unsubscribe_token(KeyRing.of(settings), school_id, family.email)

    answer = notifier_client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})

    assert answer.status_code == 200
    records = consent_of(notifier_db, school_id, family.email)
    assert records["reminders"]["granted"] == 0
    assert records["reminders"]["withdrawn_via"] == "unsubscribe_link"
    assert records["reminders"]["evidence"] == "one-click (List-Unsubscribe-Post)"
    assert records["marketing"]["granted"] == 0


def test_after_an_unsubscribe_reminders_are_suppressed(
    notifier_client, settings, queues, clock, start_worker, notifier_db, school_id
):
    family = Family(school_id, unique_email())
    queues.publish_event(family.submitted(consent=True, occurred_at=clock()))
    start_worker()
    wait_until(
        lambda: registration_consent_of(notifier_db, school_id, family.registration_id),
        what="consent",
    )
    token = unsubscribe_token(KeyRing.of(settings), school_id, family.email)
    clock.advance(minutes=1)  # the opt-out comes after the form's yes
    notifier_client.post(f"/unsubscribe/{token}")

    queues.publish_event(family.needs_info(occurred_at=clock() - timedelta(hours=73)))

    wait_until(
        lambda: ("needs_info_reminder", "suppressed") in statuses_of(notifier_db, school_id),
        what="the reminder suppressed",
    )


def test_the_unsubscribe_page_asks_before_it_changes_anything(
    notifier_client, settings, notifier_db, school_id
):
    token = unsubscribe_token(KeyRing.of(settings), school_id, "p@families.example")

    page = notifier_client.get(f"/unsubscribe/{token}")

    assert page.status_code == 200 and b'<form method="post">' in page.data
    assert consent_of(notifier_db, school_id, "p@families.example") == {}


def test_a_forged_unsubscribe_link_is_refused(notifier_client, school_id):
    token = unsubscribe_token(
        KeyRing(("not-our-secret-key-at-all",)), school_id, "p@families.example"
    )

    assert notifier_client.post(f"/unsubscribe/{token}").status_code == 404
