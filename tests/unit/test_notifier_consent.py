"""Consent decisions: transactional mail always goes; reminders and marketing need a yes."""

from datetime import datetime, timedelta, timezone

import pytest

from notifier.domain.consent import (
    CONFIRMATION_LINK,
    SELF_REGISTRATION_FORM,
    UNSUBSCRIBE_LINK,
    Actor,
    ConsentChange,
    ConsentState,
    LinkFollowed,
    Purpose,
    consent_decision,
    link_token_hash,
    needs_owner_confirmation,
    supersedes,
)

MOMENT = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
YES = ConsentState(True, MOMENT, SELF_REGISTRATION_FORM)
NO = ConsentState(False, MOMENT, UNSUBSCRIBE_LINK)


@pytest.mark.parametrize("state", [None, YES, NO])
def test_transactional_mail_goes_whatever_the_recipient_chose(state):
    assert consent_decision(Purpose.TRANSACTIONAL, state).send


@pytest.mark.parametrize("purpose", [Purpose.REMINDERS, Purpose.MARKETING])
def test_reminders_and_marketing_go_with_consent(purpose):
    assert consent_decision(purpose, YES).send


@pytest.mark.parametrize("purpose", [Purpose.REMINDERS, Purpose.MARKETING])
def test_reminders_and_marketing_without_any_decision_are_suppressed(purpose):
    decision = consent_decision(purpose, None)
    assert not decision.send
    assert "no consent on record" in decision.reason


def test_a_withdrawn_consent_suppresses_and_says_where_it_was_withdrawn():
    decision = consent_decision(Purpose.REMINDERS, NO)
    assert not decision.send
    assert UNSUBSCRIBE_LINK in decision.reason


def _change(granted: bool, at: datetime) -> ConsentChange:
    return ConsentChange("a@example.com", Purpose.REMINDERS, granted, at, UNSUBSCRIBE_LINK)


def test_a_first_decision_is_always_news():
    assert supersedes(_change(True, MOMENT), None)


def test_a_later_decision_replaces_the_one_on_record():
    assert supersedes(_change(False, MOMENT + timedelta(seconds=1)), YES)


def test_an_older_decision_arriving_late_changes_nothing():
    assert not supersedes(_change(True, MOMENT - timedelta(days=1)), NO)


# -- two scopes: the address (links) and the registration (its form) -------------------------

FORM_YES = ConsentState(True, MOMENT, SELF_REGISTRATION_FORM)
FORM_NO = ConsentState(False, MOMENT, SELF_REGISTRATION_FORM)


def test_a_registrations_own_yes_lets_its_reminders_go_when_the_address_never_decided():
    assert consent_decision(Purpose.REMINDERS, None, FORM_YES).send


def test_a_registrations_own_no_suppresses_only_mail_about_that_registration():
    decision = consent_decision(Purpose.REMINDERS, None, FORM_NO)
    assert not decision.send
    assert "for this registration" in decision.reason


def test_the_addresss_no_stands_over_a_registrations_yes():
    decision = consent_decision(Purpose.REMINDERS, NO, FORM_YES)
    assert not decision.send
    assert UNSUBSCRIBE_LINK in decision.reason


def test_a_registrations_no_stands_even_after_the_address_confirmed_a_yes():
    confirmed = ConsentState(True, MOMENT, CONFIRMATION_LINK)
    assert not consent_decision(Purpose.REMINDERS, confirmed, FORM_NO).send


def _form(granted: bool, at: datetime, registration_id: int | None = 7) -> ConsentChange:
    return ConsentChange(
        "a@example.com",
        Purpose.REMINDERS,
        granted,
        at,
        SELF_REGISTRATION_FORM,
        registration_id=registration_id,
    )


def test_a_forms_yes_after_an_unsubscribe_needs_the_owner_to_confirm():
    assert needs_owner_confirmation(_form(True, MOMENT + timedelta(minutes=1)), NO)


@pytest.mark.parametrize(
    "change, address",
    [
        (_form(False, MOMENT + timedelta(minutes=1)), NO),  # a no needs no confirming
        (_form(True, MOMENT + timedelta(minutes=1)), None),  # nobody unsubscribed
        (_form(True, MOMENT + timedelta(minutes=1)), YES),  # the address says yes
        (_form(True, MOMENT - timedelta(minutes=1)), NO),  # the no came after the form
    ],
)
def test_other_form_answers_need_no_confirmation(change, address):
    assert not needs_owner_confirmation(change, address)


def test_the_history_keeps_a_links_hash_never_the_link():
    followed = LinkFollowed("the-bearer-token", "203.0.113.9")
    proof = followed.proof(confirmation_id=4)
    assert proof.token_hash == link_token_hash("the-bearer-token") != "the-bearer-token"
    assert len(proof.token_hash) == 64
    assert (proof.actor, proof.request_address, proof.confirmation_id) == (
        Actor.LINK,
        "203.0.113.9",
        4,
    )
