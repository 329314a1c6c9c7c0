"""The outbox's backlog on the registrar's GET /metrics, read from t_event_outbox at each
scrape: what EdquillOutboxBacklog and EdquillOutboxOldestEventAge see with every relay
stopped (the live alert: tests/deploy/test_monitoring_outbox.py)."""

from __future__ import annotations

from datetime import timedelta

from tests.support.outbox import insert_outbox_rows, outbox_row, utcnow


def _gauge(metrics: str, name: str) -> float | None:
    for line in metrics.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_waiting_events_and_the_oldest_age_are_served(client, clean_outbox):
    ten_minutes_ago = utcnow() - timedelta(minutes=10)
    insert_outbox_rows(
        clean_outbox,
        [outbox_row(880_001, created_at=ten_minutes_ago), outbox_row(880_002), outbox_row(880_003)],
    )

    metrics = client.get("/metrics").get_data(as_text=True)

    assert _gauge(metrics, "edquill_outbox_backlog") == 3
    assert 600 <= _gauge(metrics, "edquill_outbox_oldest_age_seconds") < 660


def test_processed_dead_and_held_events_are_not_backlog(client, clean_outbox):
    now = utcnow()
    insert_outbox_rows(
        clean_outbox,
        [
            outbox_row(880_011, processed_at=now),
            outbox_row(880_012, dead_at=now),
            outbox_row(880_012, held_at=now),
            outbox_row(880_013),
        ],
    )

    metrics = client.get("/metrics").get_data(as_text=True)

    assert _gauge(metrics, "edquill_outbox_backlog") == 1


def test_an_empty_outbox_reads_as_none_waiting_and_no_age(client, clean_outbox):
    metrics = client.get("/metrics").get_data(as_text=True)

    assert _gauge(metrics, "edquill_outbox_backlog") == 0
    assert _gauge(metrics, "edquill_outbox_oldest_age_seconds") == 0
