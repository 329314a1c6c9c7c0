"""Consent decisions: transactional mail always goes; reminders and marketing need a yes."""
from datetime import datetime, timedelta, timezone

import pytest

from notifier.domain.consent import (SELF_REGISTRATION_FORM, UNSUBSCRIBE_LINK, ConsentChange,
                                     ConsentState, Purpose, consent_decision, supersedes)

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
