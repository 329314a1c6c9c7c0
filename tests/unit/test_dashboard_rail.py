"""The action rail's rules: who waited too long, what is overdue, and the rail's order."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dashboard.domain.rail import (
    RailItem,
    RailKind,
    Targets,
    cutoff,
    due_at,
    in_rail_order,
    is_overdue,
    kind_of_status,
    status_cutoffs,
    target_problems,
    trimmed,
    waited_too_long,
)

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
TARGETS = Targets(lead_wait_hours=48, needs_info_wait_hours=72, approved_wait_hours=168)


def test_a_lead_waiting_longer_than_the_target_is_on_the_rail():
    assert waited_too_long(NOW - timedelta(hours=48, seconds=1), NOW, 48)


def test_a_lead_waiting_exactly_the_target_is_not_yet():
    assert not waited_too_long(NOW - timedelta(hours=48), NOW, 48)


def test_the_cutoff_agrees_with_the_rule():
    since = cutoff(NOW, 48) - timedelta(microseconds=1)

    assert waited_too_long(since, NOW, 48)
    assert not waited_too_long(cutoff(NOW, 48), NOW, 48)


def test_each_watched_status_has_its_own_target():
    cutoffs = status_cutoffs(NOW, TARGETS)

    assert cutoffs == {
        "pending": NOW - timedelta(hours=48),
        "in_review": NOW - timedelta(hours=48),
        "needs_info": NOW - timedelta(hours=72),
        "approved": NOW - timedelta(hours=168),
    }
    assert [kind_of_status(status) for status in cutoffs] == [
        RailKind.LEAD_WAITING,
        RailKind.LEAD_WAITING,
        RailKind.NEEDS_INFO_UNANSWERED,
        RailKind.APPROVED_NOT_CONVERTED,
    ]


def test_an_invoice_without_a_due_date_is_due_the_configured_days_after_issue():
    assert due_at(NOW, None, 14) == NOW + timedelta(days=14)


def test_an_invoice_keeps_the_due_date_it_states():
    stated = NOW + timedelta(days=3)

    assert due_at(NOW, stated, 14) == stated


def test_an_unpaid_invoice_past_its_due_time_is_overdue():
    assert is_overdue(NOW - timedelta(minutes=1), None, NOW)


def test_a_paid_or_not_yet_due_invoice_is_not_overdue():
    assert not is_overdue(NOW - timedelta(days=1), NOW - timedelta(days=2), NOW)
    assert not is_overdue(NOW + timedelta(days=1), None, NOW)
    assert not is_overdue(None, None, NOW)


def item(kind, registration_id, hours_ago):
    return RailItem(kind, registration_id, f"#{registration_id}", NOW - timedelta(hours=hours_ago))


def test_the_rail_lists_by_kind_then_oldest_first():
    items = [
        item(RailKind.MESSAGE_HELD, 1, 99),
        item(RailKind.LEAD_WAITING, 2, 50),
        item(RailKind.INVOICE_OVERDUE, 3, 10),
        item(RailKind.LEAD_WAITING, 4, 90),
    ]

    assert [entry.registration_id for entry in in_rail_order(items)] == [4, 2, 3, 1]


def test_trimming_keeps_the_oldest_of_each_kind():
    items = [item(RailKind.LEAD_WAITING, n, n) for n in range(1, 6)] + [
        item(RailKind.INVOICE_OVERDUE, 9, 1)
    ]

    assert [entry.registration_id for entry in trimmed(items, 2)] == [5, 4, 9]


def test_targets_must_be_between_an_hour_and_ninety_days():
    assert target_problems(TARGETS) == {}
    assert set(target_problems(Targets(0, 72, 90 * 24 + 1))) == {
        "lead_wait_hours",
        "approved_wait_hours",
    }
