"""Events the KPI worker cannot fold go to its dead-letter queue with the reason, alone: the
figures stay as they were and the good events around them are folded."""

from __future__ import annotations

import json
from datetime import date

from shared.dead_letters import ERROR_HEADER
from shared.events import Event
from tests.support.kpi import invoice_event, new_school_id, school_created, submitted, utc

NOV_13 = date(2025, 11, 13)


def dead_reason(worker) -> tuple[str, dict]:
    [(properties, body)] = worker.queues.dead_letters(1, timeout=15)
    return properties.headers[ERROR_HEADER], json.loads(body)


def test_an_event_for_an_unknown_school_is_dead_lettered_after_its_retries_with_the_reason(
    make_kpi_worker, kpi_tables
):
    stranger, known = new_school_id(), new_school_id()
    worker = make_kpi_worker(HANDLER_ATTEMPTS=3)
    orphan = submitted(stranger, 1, utc(2025, 11, 13, 12))
    worker.publish(school_created(known), orphan, submitted(known, 2, utc(2025, 11, 13, 12)))
    worker.start().wait_until_settled()

    reason, body = dead_reason(worker)
    assert reason == f"handler failed after 3 attempts: UnknownSchool: unknown school {stranger}"
    assert body["event_id"] == orphan.event_id
    assert worker.count("retried") == 2
    assert all(rows == [] for rows in kpi_tables.rows(stranger).values())
    assert kpi_tables.marketing(known)[NOV_13]["leads"] == 1


def test_a_negative_amount_is_dead_lettered_at_once_and_the_figures_are_untouched(
    make_kpi_worker, kpi_tables
):
    school_id = new_school_id()
    worker = make_kpi_worker()
    worker.publish(
        school_created(school_id),
        invoice_event("invoice.issued", school_id, 1, 41, 9_000, utc(2025, 11, 13, 9)),
    )
    worker.start().wait_until_settled()
    before = kpi_tables.rows(school_id)

    worker.publish(invoice_event("invoice.paid", school_id, 1, 41, -500, utc(2025, 11, 13, 10)))
    worker.wait_until_settled()

    reason, _body = dead_reason(worker)
    assert reason == "malformed event: invoice.paid amount_minor must not be negative, got -500"
    assert worker.count("retried") == 0
    assert kpi_tables.rows(school_id) == before


def test_a_malformed_date_is_dead_lettered_at_once_and_the_figures_are_untouched(
    make_kpi_worker, kpi_tables
):
    school_id = new_school_id()
    worker = make_kpi_worker()
    good = submitted(school_id, 1, utc(2025, 11, 13, 9))
    bad = Event.new(
        "selfreg.submitted",
        school_id,
        2,
        {"registration_id": 2, "status": "pending", "submitted_at": "2025-13-45T99:00:00Z"},
        occurred_at=utc(2025, 11, 13, 9),
    )
    worker.publish(school_created(school_id), good, bad)
    worker.start().wait_until_settled()

    reason, body = dead_reason(worker)
    assert reason == (
        "malformed event: selfreg.submitted submitted_at "
        "'2025-13-45T99:00:00Z' is not an ISO 8601 time"
    )
    assert body["event_id"] == bad.event_id
    assert kpi_tables.marketing(school_id) == {
        NOV_13: {
            "leads": 1,
            "reviews_started": 0,
            "info_requests": 0,
            "approvals": 0,
            "rejections": 0,
            "enrollments": 0,
            "withdrawals": 0,
            "median_hours_to_decision": None,
        }
    }


def test_a_malformed_envelope_date_is_dead_lettered_with_the_reason(make_kpi_worker, kpi_tables):
    school_id = new_school_id()
    worker = make_kpi_worker()
    body = json.loads(submitted(school_id, 1, utc(2025, 11, 13, 9)).to_json())
    body["occurred_at"] = "yesterday at noon"
    worker.publish(school_created(school_id))
    worker.queues.publish(
        json.dumps(body).encode(), "selfreg.submitted", message_id=body["event_id"]
    )
    worker.published += 1
    worker.start().wait_until_settled()

    reason, _body = dead_reason(worker)
    assert reason == "malformed event: occurred_at 'yesterday at noon' is not an ISO 8601 time"
    assert kpi_tables.marketing(school_id) == {}


def test_an_amount_in_another_currency_is_retried_then_dead_lettered(make_kpi_worker, kpi_tables):
    school_id = new_school_id()
    worker = make_kpi_worker(HANDLER_ATTEMPTS=2)
    worker.publish(
        school_created(school_id, currency="EUR"),
        invoice_event(
            "invoice.issued", school_id, 1, 42, 9_000, utc(2025, 11, 13, 9), currency="USD"
        ),
    )
    worker.start().wait_until_settled()

    reason, _body = dead_reason(worker)
    assert reason.endswith(
        f"CurrencyMismatch: invoice.issued in USD, but school {school_id} bills in EUR"
    )
    assert kpi_tables.revenue(school_id) == {}


def test_an_event_carrying_its_schools_snapshot_is_folded_without_a_school_event(
    make_kpi_worker, kpi_tables
):
    school_id = new_school_id()
    event = submitted(school_id, 1, utc(2025, 11, 13, 23, 30))
    carried = Event(
        event.event_id,
        event.event_type,
        event.school_id,
        event.aggregate_type,
        event.aggregate_id,
        event.occurred_at,
        {
            **event.payload,
            "school": {
                "name": "Snapshot School",
                "slug": f"snap-{school_id}",
                "timezone": "Asia/Tokyo",
                "currency": "JPY",
            },
        },
    )
    worker = make_kpi_worker()
    worker.publish(carried)
    worker.start().wait_until_settled()

    # 23:30 UTC is the next morning in Tokyo: the snapshot's time zone placed it.
    assert kpi_tables.marketing(school_id)[date(2025, 11, 14)]["leads"] == 1
    assert worker.count("retried") == 0
