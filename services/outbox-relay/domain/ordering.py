"""Which outbox rows may be published now: the rules, with no I/O.

The store hands over the unprocessed head of each owned partition in id order. Since every
event of an aggregate lives in one partition, every earlier unprocessed event of a row's
aggregate is in that head too, so the rules below can keep each aggregate's events in order.

Dead events are not in the head; the store names, per aggregate, the first one still dead.
Every later event of that aggregate is held back behind it until an operator replays or skips
it, so a consumer never sees a registration's events with one missing in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Collection, Iterable, Mapping

from shared.backoff import backoff_delay

# First retry after a failed publish waits this long, doubling up to MAX_RETRY_DELAY: a broker
# hiccup clears in seconds, and a poison row should reach dead within a minute or so.
FIRST_RETRY_DELAY = timedelta(milliseconds=500)
MAX_RETRY_DELAY = timedelta(seconds=30)


@dataclass(frozen=True)
class OutboxRow:
    id: int
    event_id: str
    event_type: str
    school_id: int
    aggregate_type: str
    aggregate_id: int
    payload: Any
    created_at: datetime
    attempts: int = 0
    next_attempt_at: datetime | None = None

    @property
    def aggregate(self) -> tuple[str, int]:
        return (self.aggregate_type, self.aggregate_id)


def publishable(
    head: Iterable[OutboxRow],
    now: datetime,
    limit: int,
    in_flight: Collection[tuple[str, int]] = (),
) -> list[OutboxRow]:
    """The rows to publish in this batch, in id order.

    A row waiting out its retry delay holds back every later row of its aggregate. At most one
    row per aggregate goes into a batch, and none of an aggregate with a row still in flight
    (published, not yet confirmed): if the broker refused that row, a later one already sent
    would overtake it.
    """
    chosen: list[OutboxRow] = []
    seen: set[tuple[str, int]] = set(in_flight)
    for row in sorted(head, key=lambda r: r.id):
        if row.aggregate in seen:
            continue
        seen.add(row.aggregate)
        if row.next_attempt_at is not None and row.next_attempt_at > now:
            continue
        chosen.append(row)
        if len(chosen) == limit:
            break
    return chosen


def held_behind_dead(
    head: Iterable[OutboxRow],
    first_dead: Mapping[tuple[str, int], int],
) -> tuple[list[OutboxRow], list[OutboxRow]]:
    """Split the head into (free, held): held are the rows that come after a dead event of
    their aggregate (`first_dead` maps an aggregate to the id of its first dead row)."""
    free: list[OutboxRow] = []
    held: list[OutboxRow] = []
    for row in head:
        dead_id = first_dead.get(row.aggregate)
        (held if dead_id is not None and dead_id < row.id else free).append(row)
    return free, held


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before attempt number `attempts + 1`."""
    return backoff_delay(attempts, FIRST_RETRY_DELAY, MAX_RETRY_DELAY)


def fair_share(partitions: int, live_relays: int) -> int:
    """How many partitions one relay should own when `live_relays` share `partitions`."""
    return -(-partitions // max(live_relays, 1))
