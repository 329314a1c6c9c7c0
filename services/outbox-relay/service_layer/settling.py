"""Settling a batch once the broker has answered (see adapters.publisher.BatchOutcome):
confirmed rows count as published, refused ones cost an attempt, and what the broker nacked or
left unanswered is given back untouched, since the broker's state is not the events' fault."""

from __future__ import annotations

import logging
from datetime import datetime

from outbox_relay import metrics
from outbox_relay.adapters.claim_store import ClaimStore
from outbox_relay.adapters.publisher import BatchOutcome, BrokerUnavailable
from outbox_relay.adapters.settle_store import SettleStore
from outbox_relay.domain.failures import Failure
from outbox_relay.domain.ordering import OutboxRow
from outbox_relay.service_layer.claiming import Batch

log = logging.getLogger(__name__)


def record_confirmed(rows: list[OutboxRow], now: datetime) -> None:
    """Count published rows and their latency from commit to confirm (`now`: naive UTC)."""
    if not rows:
        return
    metrics.BATCH_SIZE.observe(len(rows))
    for row in rows:
        metrics.PUBLISHED.labels(row.event_type).inc()
        metrics.LATENCY.observe((now - row.created_at).total_seconds())


def record_refused(
    settles: SettleStore, failures: list[Failure], token: str, now: datetime, max_attempts: int
) -> None:
    """Count an attempt for each refused row; those out of attempts are parked dead."""
    for failure in failures:
        log.warning(
            "event %s (%s) refused by the broker: %s",
            failure.row.event_id,
            failure.row.event_type,
            failure.error,
        )
    metrics.FAILED.labels("refused").inc(len(failures))
    _retried, parked = settles.record_failures(failures, token, now, max_attempts)
    if parked:
        log.error("%d events parked as dead after %d attempts", parked, max_attempts)
        metrics.DEAD.inc(parked)


def give_back_unanswered(
    claims: ClaimStore, batch: Batch, outcome: BatchOutcome, also_release: Batch | None
) -> None:
    """Give back what the broker nacked or left unanswered, then raise BrokerUnavailable.

    No attempt is counted. The next batch, claimed meanwhile (`also_release`), is given back
    too, so nothing overtakes a row given back. Does nothing when every row was answered."""
    given_back = outcome.nacked + outcome.unconfirmed
    if not given_back:
        return
    claims.release([batch.rows[e].id for e in given_back], batch.token)
    if also_release is not None:
        claims.release([row.id for row in also_release.rows.values()], also_release.token)
    metrics.FAILED.labels("broker_nack").inc(len(outcome.nacked))
    metrics.FAILED.labels("broker_unavailable").inc(len(outcome.unconfirmed))
    raise BrokerUnavailable(
        f"{len(outcome.nacked)} publishes nacked, {len(outcome.unconfirmed)} unanswered"
    )
