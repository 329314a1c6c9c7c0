"""The outbox's backlog on the registrar's GET /metrics (served by gunicorn, as operators run
it), read from t_event_outbox at each scrape: what EdquillOutboxBacklog and
EdquillOutboxOldestEventAge see with every relay stopped (the live alerts:
tests/deploy/test_monitoring.py)."""

from __future__ import annotations

import urllib.request
from datetime import timedelta

from tests.support.outbox import insert_outbox_rows, outbox_row, utcnow


def _gauge(metrics: str, name: str) -> float | None:
    """The gauge's one sample (a second one would be a duplicate family: a failure)."""
    samples = [line for line in metrics.splitlines() if line.startswith(name + " ")]
    assert len(samples) <= 1, samples
    return float(samples[0].rsplit(" ", 1)[1]) if samples else None


def scrape(registrar_url: str) -> str:
    with urllib.request.urlopen(f"{registrar_url}/metrics", timeout=10) as answer:
        return answer.read().decode()


def test_waiting_events_and_the_oldest_age_are_served(registrar_url, clean_outbox):
    ten_minutes_ago = utcnow() - timedelta(minutes=10)
    insert_outbox_rows(
        clean_outbox,
        [outbox_row(880_001, created_at=ten_minutes_ago), outbox_row(880_002), outbox_row(880_003)],
    )

    metrics = scrape(registrar_url)

    assert _gauge(metrics, "edquill_outbox_backlog") == 3
    assert 600 <= _gauge(metrics, "edquill_outbox_oldest_age_seconds") < 660


def test_processed_dead_and_held_events_are_not_backlog(registrar_url, clean_outbox):
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

    metrics = scrape(registrar_url)

    assert _gauge(metrics, "edquill_outbox_backlog") == 1


def test_an_empty_outbox_reads_as_none_waiting_and_no_age(registrar_url, clean_outbox):
    metrics = scrape(registrar_url)

    assert _gauge(metrics, "edquill_outbox_backlog") == 0
    assert _gauge(metrics, "edquill_outbox_oldest_age_seconds") == 0
