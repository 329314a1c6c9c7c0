"""Withdrawals in the KPI figures: a move to withdrawn, delivered through RabbitMQ to a real
KPI worker, counts once on the school's local day however often it is delivered, and is no
decision (the median time to decision does not move)."""

from __future__ import annotations

from datetime import date

from tests.support.kpi import new_school_id, school_created, status_changed, submitted, utc


def test_a_withdrawal_counts_once_even_when_delivered_twice(make_kpi_worker, kpi_tables):
    school_id = new_school_id()
    withdrawal = status_changed(school_id, 7, "in_review", "withdrawn", utc(2026, 3, 2, 10))
    worker = make_kpi_worker()
    worker.publish(
        school_created(school_id),
        submitted(school_id, 7, utc(2026, 3, 1, 9)),
        withdrawal,
        withdrawal,
    )
    worker.start().wait_until_settled()

    day = kpi_tables.marketing(school_id)[date(2026, 3, 2)]
    assert day["withdrawals"] == 1
    assert day["median_hours_to_decision"] is None
    assert kpi_tables.ledger_entries(school_id) == 2
