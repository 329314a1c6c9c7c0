"""t_event_inbox: the rows that make a consumer's handling idempotent by event id.

Each consumer records an event here in the transaction that applies it; a redelivered event
finds its row and is not applied again (see shared.consumer).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pymysql

from shared.batched_purge import ExpiringRows, purge_expired
from shared.config_error import ConfigError
from shared.events import Event


def record_in_inbox(cursor, consumer: str, event: Event) -> bool:
    """Note the event as handled by `consumer`; False if it already was (a redelivery)."""
    # The canonical spelling, so one UUID written two ways is still one event.
    event_id = str(uuid.UUID(event.event_id))
    return (
        cursor.execute(
            "INSERT IGNORE INTO t_event_inbox (consumer, event_id, event_type, handled_at) "
            "VALUES (%s, %s, %s, UTC_TIMESTAMP(6))",
            (consumer, event_id, event.event_type),
        )
        == 1
    )


def record_batch_in_inbox(cursor, consumer: str, events: list[Event]) -> list[int]:
    """Note a batch of events as handled by `consumer`; returns the positions of the events to
    handle: not in the inbox yet, and the first copy of an event the batch holds twice.

    A plain INSERT, not INSERT IGNORE: if another worker records one of these events meanwhile,
    the batch fails on the duplicate key and is handled again one event at a time.
    """
    canonical = [str(uuid.UUID(event.event_id)) for event in events]
    distinct = sorted(set(canonical))
    placeholders = ", ".join(["%s"] * len(distinct))
    cursor.execute(
        f"SELECT event_id FROM t_event_inbox WHERE consumer = %s AND event_id IN ({placeholders})",
        (consumer, *distinct),
    )
    seen = {row["event_id"] for row in cursor.fetchall()}
    fresh: list[int] = []
    for position, event_id in enumerate(canonical):
        if event_id not in seen:
            seen.add(event_id)
            fresh.append(position)
    if fresh:
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        cursor.executemany(
            "INSERT INTO t_event_inbox (consumer, event_id, event_type, handled_at) "
            "VALUES (%s, %s, %s, %s)",
            [
                (consumer, canonical[position], events[position].event_type, now)
                for position in fresh
            ],
        )
    return fresh


def handled_at(connection, consumer: str, event_id: str) -> datetime | None:
    """When `consumer` recorded the event as handled (UTC), or None while it has not."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT handled_at FROM t_event_inbox WHERE consumer = %s AND event_id = %s",
            (consumer, str(uuid.UUID(event_id))),
        )
        row = cursor.fetchone()
    return row["handled_at"] if row else None


def require_inbox(connection, database: str) -> None:
    """Stop at start-up when the inbox is missing, rather than dead-letter every message."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM t_event_inbox LIMIT 0")
    except pymysql.err.ProgrammingError:
        raise ConfigError(
            f"database {database} has no t_event_inbox: run `edquill migrate`"
        ) from None


# What the retention purge may delete: rows of events handled before the cutoff. A redelivery
# of such an event would be applied again, which is why the inbox outlasts every way an event
# can come again (shared.retention).
HANDLED_EVENTS = ExpiringRows(
    table="t_event_inbox",
    key=("consumer", "event_id"),
    expired="handled_at < %s",
    age_column="handled_at",
)


def purge_inbox(connection, cutoff: datetime, batch_size: int, *, dry_run: bool = False) -> int:
    """Forget events handled before `cutoff`, in small batches (shared.batched_purge)."""
    return purge_expired(connection, HANDLED_EVENTS, cutoff, batch_size, dry_run=dry_run)
