"""Reminders: their due times, and the family's actions that stop them."""

from datetime import datetime, timedelta, timezone

from notifier.domain.reminders import (
    ReminderKind,
    ReminderStop,
    reminder_due_at,
    stop_for_payment,
    stops_for_status_change,
)

ASKED = datetime(2026, 1, 5, 16, 30, tzinfo=timezone.utc)


def test_a_reminder_is_due_the_configured_time_after_the_request():
    assert reminder_due_at(ASKED, timedelta(hours=72)) == datetime(
        2026, 1, 8, 16, 30, tzinfo=timezone.utc
    )


def test_leaving_needs_info_stops_the_needs_info_reminder():
    assert stops_for_status_change("needs_info", "in_review") == (
        ReminderStop(frozenset({ReminderKind.NEEDS_INFO})),
    )


def test_a_rejection_stops_every_reminder():
    assert stops_for_status_change("approved", "rejected") == (
        ReminderStop(frozenset(ReminderKind)),
    )


def test_other_moves_stop_nothing():
    assert stops_for_status_change("pending", "in_review") == ()
    assert stops_for_status_change("in_review", "needs_info") == ()


def test_a_payment_stops_the_reminder_of_that_invoice_only():
    assert stop_for_payment(7) == ReminderStop(frozenset({ReminderKind.INVOICE_UNPAID}), 7)


def test_each_kind_of_reminder_has_its_template():
    assert ReminderKind.NEEDS_INFO.template == "needs_info_reminder"
    assert ReminderKind.INVOICE_UNPAID.template == "invoice_reminder"
