"""Consent is the family's: an unsubscribe stands until the address's owner confirms again from
a link mailed to it, and a form's answer is about its own registration only. Driven through
the real worker (RabbitMQ, MariaDB, the SMTP sink) and the notifier's pages."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from notifier.domain.confirmation_links import confirmation_token
from notifier.domain.consent import link_token_hash
from notifier.domain.unsubscribe_links import unsubscribe_token
from notifier.entrypoints.app import create_app
from shared.signing import KeyRing
from tests.support.notifier import (
    Family,
    confirmations_of,
    consent_history_of,
    consent_of,
    messages_of,
    new_school_id,
    registration_consent_of,
    school_created,
    unique_email,
)
from tests.support.waiting import stays_true, wait_until

CONFIRMATION = "consent_confirmation"
_CONFIRM_LINK = re.compile(r"\S+/unsubscribe/resubscribe/[^\s\"<]+")


@pytest.fixture
def school_id(queues):
    school_id = new_school_id()
    queues.publish_event(school_created(school_id))
    return school_id


@pytest.fixture
def notifier_client(settings, clock):
    app = create_app(settings, {"TESTING": True, "NOTIFIER_CLOCK": clock})
    return app.test_client()


@pytest.fixture
def unsubscribed(start_worker, queues, clock, settings, notifier_client, notifier_db, school_id):
    """A family that said yes on its form, then unsubscribed through the link: the address."""
    first = Family(school_id, unique_email(), guardian_name="Grace Hopper")
    start_worker()
    queues.publish_event(first.submitted(consent=True, occurred_at=clock()))
    wait_until(
        lambda: registration_consent_of(notifier_db, school_id, first.registration_id),
        what="the first form's consent",
    )
    clock.advance(minutes=1)
    token = unsubscribe_token(KeyRing.of(settings), school_id, first.email)
    assert notifier_client.post(f"/unsubscribe/{token}").status_code == 200
    clock.advance(minutes=1)
    return first


def _rows(connection, school_id: int, template: str) -> list[dict]:
    return [row for row in messages_of(connection, school_id) if row["template_key"] == template]


def _a_new_form(queues, clock, school_id: int, email: str, consent: bool) -> Family:
    family = Family(school_id, email, guardian_name="Someone Else")
    queues.publish_event(family.submitted(consent=consent, occurred_at=clock()))
    return family


def _reminder_fate(queues, clock, connection, family: Family) -> dict:
    """Ask the family for information 73 hours ago: its reminder falls due now."""
    queues.publish_event(family.needs_info(occurred_at=clock() - timedelta(hours=73)))
    return wait_until(
        lambda: next(
            (
                row
                for row in _rows(connection, family.school_id, "needs_info_reminder")
                if row["registration_id"] == family.registration_id
                and row["status"] in ("sent", "suppressed")
            ),
            None,
        ),
        what="the reminder's fate",
    )


def _confirmation_path(sink) -> str:
    (message,) = [
        stored.parsed() for stored in sink.messages() if "please confirm" in stored.subject
    ]
    (url,) = _CONFIRM_LINK.findall(message.get_body(("plain",)).get_content())
    return urlsplit(url).path


def _sent_confirmation(connection, sink, school_id: int) -> str:
    wait_until(
        lambda: [
            row for row in _rows(connection, school_id, CONFIRMATION) if row["status"] == "sent"
        ],
        what="the confirmation sent",
    )
    sink.wait_for(1)
    return _confirmation_path(sink)


# -- an unsubscribe stands until the owner confirms ------------------------------------------


def test_a_form_yes_for_an_unsubscribed_address_does_not_resubscribe_it(
    unsubscribed, queues, clock, notifier_db, school_id
):
    second = _a_new_form(queues, clock, school_id, unsubscribed.email, consent=True)

    reminder = _reminder_fate(queues, clock, notifier_db, second)

    assert reminder["status"] == "suppressed"
    assert "declined via unsubscribe_link" in reminder["error"]
    assert consent_of(notifier_db, school_id, unsubscribed.email)["reminders"]["granted"] == 0


def test_the_address_gets_one_confirmation_however_many_forms_name_it(
    unsubscribed, queues, clock, sink, notifier_db, school_id
):
    second = _a_new_form(queues, clock, school_id, unsubscribed.email, consent=True)
    clock.advance(minutes=1)
    third = _a_new_form(queues, clock, school_id, unsubscribed.email, consent=True)
    wait_until(
        lambda: registration_consent_of(notifier_db, school_id, third.registration_id),
        what="the third form's consent",
    )

    (row,) = wait_until(
        lambda: [r for r in _rows(notifier_db, school_id, CONFIRMATION) if r["status"] == "sent"],
        what="the confirmation sent",
    )
    assert (row["purpose"], row["recipient"]) == ("transactional", unsubscribed.email)
    assert row["registration_id"] == second.registration_id
    assert stays_true(lambda: len(sink.messages()) == 1, 0.5)
    (message,) = [stored.parsed() for stored in sink.messages()]
    assert message["Subject"] == ("Sunrise Music School: please confirm you want reminders again")
    assert len(_CONFIRM_LINK.findall(message.get_body(("plain",)).get_content())) == 1
    assert len(confirmations_of(notifier_db, school_id, unsubscribed.email)) == 1


def test_a_new_confirmation_is_asked_only_once_the_last_one_expired(
    unsubscribed, queues, clock, sink, notifier_db, school_id
):
    _a_new_form(queues, clock, school_id, unsubscribed.email, consent=True)
    _sent_confirmation(notifier_db, sink, school_id)
    clock.advance(days=8)

    later = _a_new_form(queues, clock, school_id, unsubscribed.email, consent=True)

    asked = wait_until(
        lambda: (
            len(confirmations_of(notifier_db, school_id, unsubscribed.email)) == 2
            and confirmations_of(notifier_db, school_id, unsubscribed.email)
        ),
        what="a second confirmation",
    )
    assert asked[1]["registration_id"] == later.registration_id
    assert len(sink.wait_for(2)) == 2


def test_a_form_no_for_an_unsubscribed_address_asks_nothing(
    unsubscribed, queues, clock, sink, notifier_db, school_id
):
    declined = _a_new_form(queues, clock, school_id, unsubscribed.email, consent=False)

    wait_until(
        lambda: registration_consent_of(notifier_db, school_id, declined.registration_id),
        what="the answer",
    )
    assert confirmations_of(notifier_db, school_id, unsubscribed.email) == []
    assert stays_true(lambda: sink.messages() == [], 0.3)


def test_the_confirmation_page_changes_nothing_until_its_button_is_pressed(
    unsubscribed, queues, clock, sink, notifier_client, notifier_db, school_id
):
    _a_new_form(queues, clock, school_id, unsubscribed.email, consent=True)
    path = _sent_confirmation(notifier_db, sink, school_id)

    page = notifier_client.get(path)

    assert page.status_code == 200 and b'<form method="post">' in page.data
    assert unsubscribed.email.encode() in page.data
    assert consent_of(notifier_db, school_id, unsubscribed.email)["reminders"]["granted"] == 0


def test_following_the_confirmation_link_restores_reminders(
    unsubscribed, queues, clock, sink, notifier_client, notifier_db, school_id
):
    second = _a_new_form(queues, clock, school_id, unsubscribed.email, consent=True)
    path = _sent_confirmation(notifier_db, sink, school_id)
    clock.advance(minutes=1)

    answer = notifier_client.post(path)

    assert answer.status_code == 200 and b"Reminders on again" in answer.data
    records = consent_of(notifier_db, school_id, unsubscribed.email)
    assert (records["reminders"]["granted"], records["reminders"]["changed_via"]) == (
        1,
        "confirmation_link",
    )
    assert records["marketing"]["granted"] == 0  # the form never asked for it
    assert _reminder_fate(queues, clock, notifier_db, second)["status"] == "sent"
    sink.wait_for(3)  # the confirmation, the request for information, its reminder
    assert [m.rcpt_tos for m in sink.messages()] == [(unsubscribed.email,)] * 3


def test_replaying_the_confirm_post_changes_nothing_more(
    unsubscribed, queues, clock, sink, notifier_client, notifier_db, school_id
):
    _a_new_form(queues, clock, school_id, unsubscribed.email, consent=True)
    path = _sent_confirmation(notifier_db, sink, school_id)
    notifier_client.post(path)
    history = consent_history_of(notifier_db, school_id, unsubscribed.email)
    consent = consent_of(notifier_db, school_id, unsubscribed.email)
    clock.advance(minutes=5)

    replay = notifier_client.post(path)

    assert replay.status_code == 200 and b"Already confirmed" in replay.data
    assert consent_history_of(notifier_db, school_id, unsubscribed.email) == history
    assert consent_of(notifier_db, school_id, unsubscribed.email) == consent


# -- a form speaks for its own registration --------------------------------------------------


def test_a_form_no_does_not_suppress_another_familys_reminders_at_the_same_address(
    start_worker, queues, clock, notifier_db, school_id
):
    shared_address = unique_email("household")
    yes = _a_new_form(queues, clock, school_id, shared_address, consent=True)
    no = _a_new_form(queues, clock, school_id, shared_address, consent=False)
    start_worker()

    assert _reminder_fate(queues, clock, notifier_db, yes)["status"] == "sent"
    refused = _reminder_fate(queues, clock, notifier_db, no)
    assert refused["status"] == "suppressed"
    assert "for this registration" in refused["error"]


def test_a_form_yes_does_not_resubscribe_another_registration_that_said_no(
    start_worker, queues, clock, notifier_db, school_id
):
    shared_address = unique_email("household")
    no = _a_new_form(queues, clock, school_id, shared_address, consent=False)
    clock.advance(minutes=1)
    yes = _a_new_form(queues, clock, school_id, shared_address, consent=True)
    start_worker()

    assert _reminder_fate(queues, clock, notifier_db, no)["status"] == "suppressed"
    assert _reminder_fate(queues, clock, notifier_db, yes)["status"] == "sent"


# -- the history ---------------------------------------------------------------------------


def test_every_decision_is_kept_with_who_when_and_proof(
    unsubscribed, queues, clock, sink, settings, notifier_client, notifier_db, school_id
):
    second = _a_new_form(queues, clock, school_id, unsubscribed.email, consent=True)
    path = _sent_confirmation(notifier_db, sink, school_id)
    before_confirming = consent_history_of(notifier_db, school_id, unsubscribed.email)
    clock.advance(minutes=1)
    notifier_client.post(path)

    history = consent_history_of(notifier_db, school_id, unsubscribed.email)

    assert [
        (h["actor"], h["scope"], h["purpose"], h["granted"], h["outcome"]) for h in history
    ] == [
        ("form", "registration", "reminders", 1, "recorded"),
        ("link", "address", "reminders", 0, "recorded"),
        ("link", "address", "marketing", 0, "recorded"),
        ("form", "registration", "reminders", 1, "awaiting_confirmation"),
        ("link", "address", "reminders", 1, "recorded"),
    ]
    assert history[: len(before_confirming)] == before_confirming  # nothing rewritten
    first_form, unsubscribe, _, second_form, confirmation = history
    assert first_form["registration_id"] == unsubscribed.registration_id
    assert first_form["event_id"] is not None and first_form["token_hash"] is None
    unsubscribe_link = unsubscribe_token(KeyRing.of(settings), school_id, unsubscribed.email)
    assert unsubscribe["token_hash"] == link_token_hash(unsubscribe_link)
    assert (unsubscribe["via"], unsubscribe["request_address"]) == ("unsubscribe_link", "127.0.0.1")
    (asked,) = confirmations_of(notifier_db, school_id, unsubscribed.email)
    assert second_form["registration_id"] == second.registration_id
    assert second_form["confirmation_id"] == asked["id"]
    assert confirmation["via"] == "confirmation_link"
    assert confirmation["token_hash"] == link_token_hash(path.rsplit("/", 1)[1])
    assert (confirmation["confirmation_id"], confirmation["request_address"]) == (
        asked["id"],
        "127.0.0.1",
    )
    assert confirmation["decided_at"] == clock().replace(tzinfo=None)
    assert unsubscribe_link not in repr(history)


# -- links that do not hold ----------------------------------------------------------------


def _state(connection, school_id: int, email: str) -> tuple:
    return (
        consent_of(connection, school_id, email),
        consent_history_of(connection, school_id, email),
        confirmations_of(connection, school_id, email),
    )


def test_a_tampered_confirmation_link_is_refused_and_changes_nothing(
    unsubscribed, queues, clock, sink, notifier_client, notifier_db, school_id
):
    _a_new_form(queues, clock, school_id, unsubscribed.email, consent=True)
    path = _sent_confirmation(notifier_db, sink, school_id)
    before = _state(notifier_db, school_id, unsubscribed.email)
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")

    for answer in (notifier_client.get(tampered), notifier_client.post(tampered)):
        assert answer.status_code == 404
        assert b"This confirmation link is not valid" in answer.data
        assert b"Nothing was changed" in answer.data
    assert _state(notifier_db, school_id, unsubscribed.email) == before


def test_a_confirmation_link_signed_with_another_key_is_refused(
    unsubscribed, queues, clock, sink, notifier_client, notifier_db, school_id
):
    _a_new_form(queues, clock, school_id, unsubscribed.email, consent=True)
    _sent_confirmation(notifier_db, sink, school_id)
    (asked,) = confirmations_of(notifier_db, school_id, unsubscribed.email)
    before = _state(notifier_db, school_id, unsubscribed.email)
    forged = confirmation_token(
        KeyRing(("a-key-that-is-not-ours-at-all-0123456789",)), school_id, asked["id"]
    )

    assert notifier_client.post(f"/unsubscribe/resubscribe/{forged}").status_code == 404
    assert _state(notifier_db, school_id, unsubscribed.email) == before


def test_a_link_naming_another_schools_confirmation_is_refused_and_changes_nothing(
    unsubscribed, queues, clock, sink, settings, notifier_client, notifier_db, school_id
):
    other_school = new_school_id()
    queues.publish_event(school_created(other_school, name="Elsewhere Academy"))
    _a_new_form(queues, clock, school_id, unsubscribed.email, consent=True)
    _sent_confirmation(notifier_db, sink, school_id)
    (asked,) = confirmations_of(notifier_db, school_id, unsubscribed.email)
    before = _state(notifier_db, school_id, unsubscribed.email)
    # Signed by us, but for the other school: a confirmation is only ever its own school's.
    foreign = confirmation_token(KeyRing.of(settings), other_school, asked["id"])

    for answer in (
        notifier_client.get(f"/unsubscribe/resubscribe/{foreign}"),
        notifier_client.post(f"/unsubscribe/resubscribe/{foreign}"),
    ):
        assert answer.status_code == 404 and b"not valid" in answer.data
    assert _state(notifier_db, school_id, unsubscribed.email) == before
    assert consent_of(notifier_db, other_school, unsubscribed.email) == {}


def test_an_expired_confirmation_link_is_refused_and_changes_nothing(
    unsubscribed, queues, clock, sink, notifier_client, notifier_db, school_id
):
    _a_new_form(queues, clock, school_id, unsubscribed.email, consent=True)
    path = _sent_confirmation(notifier_db, sink, school_id)
    before = _state(notifier_db, school_id, unsubscribed.email)
    clock.advance(days=8)

    for answer in (notifier_client.get(path), notifier_client.post(path)):
        assert answer.status_code == 410 and b"has expired" in answer.data
    assert _state(notifier_db, school_id, unsubscribed.email) == before
