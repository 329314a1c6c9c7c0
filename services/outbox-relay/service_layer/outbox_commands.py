"""The operators' outbox commands, one function each: status, reset stuck claims, purge, and
list, replay or skip dead events. Each takes a connection to the registrar's database."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

from outbox_relay.adapters import dead_event_store
from outbox_relay.adapters.outbox_status_store import OutboxStatus, OutboxStatusStore
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
