"""The operators' outbox commands, one function each: status, reset stuck claims, purge,
list, replay or skip dead events, and the partition count. Each takes a connection to the
registrar's database."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

from outbox_relay.adapters import dead_event_store, partition_store
from outbox_relay.adapters.outbox_status_store import OutboxStatus, OutboxStatusStore
from outbox_relay.adapters.partition_store import PartitionLayout
from outbox_relay.domain.failures import RelaysStillRunning
from shared import db


def outbox_status(connection, lease: timedelta) -> OutboxStatus:
    return OutboxStatusStore(connection).status(lease)


def reset_stuck(connection, older_than: timedelta) -> int:
    return OutboxStatusStore(connection).reset_stuck(older_than)


def purge_published(connection, cutoff: datetime, batch_size: int, *, dry_run: bool = False) -> int:
    """Delete events published before `cutoff` (with dry_run, only count them)."""
    return OutboxStatusStore(connection).purge_published(cutoff, batch_size, dry_run=dry_run)


def list_dead(connection, limit: int) -> list[dict]:
    with connection.cursor() as cursor:
        return dead_event_store.dead_events(cursor, limit)


def replay_dead(connection, event_ids: Sequence[str] | None) -> int:
    """Put dead events back in line (all of them when event_ids is None) and release the
    events held behind them; they then go out in their order, the replayed one first.

    Raises NotDead, changing nothing, if a named event is not dead."""
    with db.transaction(connection) as cursor:
        dead = dead_event_store.lock_dead(cursor, event_ids)
        if dead:
            dead_event_store.put_back_in_line(cursor, dead)
            dead_event_store.release_held(cursor, dead)
    return len(dead)


def skip_dead(connection, event_ids: Sequence[str]) -> int:
    """Settle the named dead events without publishing them (skipped_at says so; the last
    error stays) and release the events held behind them.

    Raises NotDead, changing nothing, if a named event is not dead."""
    if not event_ids:
        return 0
    with db.transaction(connection) as cursor:
        dead = dead_event_store.lock_dead(cursor, event_ids)
        dead_event_store.mark_skipped(cursor, dead)
        dead_event_store.release_held(cursor, dead)
    return len(dead)


def partitions(connection) -> PartitionLayout:
    with connection.cursor() as cursor:
        return partition_store.partition_layout(cursor)


def set_partitions(connection, count: int, lease: timedelta) -> PartitionLayout:
    """Change the partition count (the most relays that can share the outbox).

    Refused with RelaysStillRunning while a relay heartbeats within `lease` or a claim is
    unsettled. Events waiting are kept: each moves to its registration's new partition, still
    in id order there, so the next relays publish every registration's events in order."""
    with connection.cursor() as cursor:
        live = partition_store.live_relays(cursor, int(lease.total_seconds() * 1_000_000))
        claims = partition_store.open_claims(cursor)
    if live or claims:
        raise RelaysStillRunning(live, claims)
    partition_store.repartition(connection, count)
    return partitions(connection)
