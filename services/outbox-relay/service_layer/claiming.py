"""Claiming the next batch: read the head of each owned partition, hold back what waits behind
a dead event, choose what may go out now (domain.ordering), claim it under a fresh token and
make each row a message. A row that cannot become a message is parked dead on first sight."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Sequence

from outbox_relay import metrics
from outbox_relay.adapters.claim_store import ClaimStore
from outbox_relay.adapters.settle_store import SettleStore
from outbox_relay.config import RelayOptions
from outbox_relay.domain.failures import Failure
from outbox_relay.domain.messages import Message, message_for
from outbox_relay.domain.ordering import OutboxRow, held_behind_dead, publishable
from shared.events import MalformedEvent

log = logging.getLogger(__name__)

# Each owned partition's head is read up to this multiple of its fair part of a batch (plus a
# little): busy registrations skipped for this batch must not leave the batch short, but every
# extra row read is wasted work when the backlog is deep.
HEAD_OVERFETCH = 1.25
HEAD_SLACK_ROWS = 8


@dataclass
class Batch:
    """Rows claimed under one token, and the messages made of them."""

    token: str
    rows: dict[str, OutboxRow] = field(default_factory=dict)  # by event id
    messages: list[Message] = field(default_factory=list)

    @property
    def aggregates(self) -> set[tuple[str, int]]:
        return {row.aggregate for row in self.rows.values()}


def claim_next(
    claims: ClaimStore,
    settles: SettleStore,
    *,
    partitions: Sequence[int],
    options: RelayOptions,
    relay_id: str,
    in_flight: Batch | None,
    now: Callable[[], datetime],
) -> Batch | None:
    """The next batch of these partitions, claimed; None when nothing may go out now.

    Aggregates with a row in flight are left out, so nothing overtakes a row not yet confirmed.
    `now` gives the naive UTC time that retry delays are measured against."""
    if not partitions:
        return None
    per_partition = min(
        options.batch_size,
        HEAD_SLACK_ROWS + int(HEAD_OVERFETCH * options.batch_size / len(partitions)),
    )
    head = claims.partition_heads(partitions, per_partition, in_flight.token if in_flight else None)
    if not head:
        return None
    free, held = held_behind_dead(head, claims.first_dead_by_aggregate(partitions))
    if held:
        _hold(claims, held)
    chosen = publishable(
        free,
        now(),
        options.batch_size,
        in_flight=in_flight.aggregates if in_flight else (),
    )
    if not chosen:
        return None
    batch = Batch(secrets.token_hex(16))
    claimed = claims.claim(chosen, batch.token, relay_id)
    malformed: list[Failure] = []
    for row in claimed:
        try:
            batch.messages.append(message_for(row))
        except MalformedEvent as exc:
            malformed.append(Failure(row, f"malformed: {exc}"))
            continue
        batch.rows[row.event_id] = row
    if malformed:
        _park_malformed(settles, malformed, batch.token)
    return batch if (batch.rows or malformed) else None


def _hold(claims: ClaimStore, rows: list[OutboxRow]) -> None:
    held = claims.hold(rows)
    if held:
        log.warning("%d events held back behind a dead event of their registration", held)


def _park_malformed(settles: SettleStore, failures: list[Failure], token: str) -> None:
    for failure in failures:
        log.error("event %s parked as dead: %s", failure.row.event_id, failure.error)
    metrics.FAILED.labels("malformed").inc(len(failures))
    metrics.DEAD.inc(settles.park_dead(failures, token))
