"""The outbox (t_event_outbox) as a whole: the figures the relay's gauges and `edquill outbox
status` show, and the operators' reset of stuck claims and purge of published rows.

A row's states: waiting (processed_at, dead_at and held_at NULL; perhaps claimed), processed
(published; or skipped by an operator, when skipped_at is set too), dead (parked: no retry
helps) and held (waiting behind an earlier dead event of its aggregate). Every statement runs
in autocommit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.batched_purge import ExpiringRows, purge_expired

# What the retention purge may delete: rows published (processed and never dead). Waiting,
# claimed, held and dead rows stay, and so does a dead event an operator skipped (processed
# but never published): the record of an event no consumer got, with its last error.
PUBLISHED = ExpiringRows(
    table="t_event_outbox",
    key=("id",),
    expired="processed_at IS NOT NULL AND processed_at < %s AND dead_at IS NULL "
    "AND skipped_at IS NULL",
    age_column="processed_at",
)


@dataclass(frozen=True)
class OutboxStatus:
    unprocessed: int  # waiting for a relay (held and dead rows are counted apart)
    claimed: int
    stuck: int
    dead: int  # parked, waiting for an operator's replay or skip
    held: int  # held back behind an earlier dead event of their aggregate
    oldest_unprocessed_age_seconds: float | None
    relays: int


class OutboxStatusStore:
    def __init__(self, connection):
        self._connection = connection

    def status(self, lease: timedelta) -> OutboxStatus:
        # Held rows are counted apart, like dead ones: unprocessed and the oldest age are the
        # relays' own work, so a held registration does not read as relays falling behind.
        with self._connection.cursor() as cursor:
            cursor.execute(
                "SELECT SUM(held_at IS NULL) AS unprocessed, "
                "SUM(claim_token IS NOT NULL) AS claimed, SUM(held_at IS NOT NULL) AS held, "
                "SUM(claim_token IS NOT NULL AND claimed_at < UTC_TIMESTAMP(6) - INTERVAL %s "
                "MICROSECOND) AS stuck, "
                "TIMESTAMPDIFF(MICROSECOND, MIN(CASE WHEN held_at IS NULL THEN created_at END), "
                "UTC_TIMESTAMP(6)) AS oldest_us "
                "FROM t_event_outbox FORCE INDEX (ix_outbox_processed) "
                "WHERE processed_at IS NULL AND dead_at IS NULL",
                (int(lease.total_seconds() * 1_000_000),),
            )
            pending = cursor.fetchone()
            cursor.execute(
                "SELECT COUNT(*) AS dead FROM t_event_outbox "
                "WHERE processed_at IS NULL AND dead_at IS NOT NULL"
            )
            dead = cursor.fetchone()["dead"]
            cursor.execute(
                "SELECT COUNT(*) AS relays FROM t_outbox_relay WHERE heartbeat_at > "
                "UTC_TIMESTAMP(6) - INTERVAL %s MICROSECOND",
                (int(lease.total_seconds() * 1_000_000),),
            )
            relays = cursor.fetchone()["relays"]
        oldest = pending["oldest_us"]
        return OutboxStatus(
            unprocessed=int(pending["unprocessed"] or 0),
            claimed=int(pending["claimed"] or 0),
            stuck=int(pending["stuck"] or 0),
            dead=int(dead or 0),
            held=int(pending["held"] or 0),
            oldest_unprocessed_age_seconds=None if oldest is None else oldest / 1_000_000,
            relays=int(relays or 0),
        )

    def reset_stuck(self, older_than: timedelta) -> int:
        """Clear claims older than `older_than` (the runbook's manual reset)."""
        with self._connection.cursor() as cursor:
            rows = cursor.execute(
                "UPDATE t_event_outbox SET claimed_by = NULL, claim_token = NULL, "
                "claimed_at = NULL WHERE processed_at IS NULL AND claim_token IS NOT NULL "
                "AND claimed_at < UTC_TIMESTAMP(6) - INTERVAL %s MICROSECOND",
                (int(older_than.total_seconds() * 1_000_000),),
            )
            cursor.execute(
                "UPDATE t_outbox_partition_lease SET owner = NULL, lease_until = NULL "
                "WHERE lease_until < UTC_TIMESTAMP(6) - INTERVAL %s MICROSECOND",
                (int(older_than.total_seconds() * 1_000_000),),
            )
        return rows

    def purge_published(self, cutoff: datetime, batch_size: int, *, dry_run: bool) -> int:
        """Delete rows published before `cutoff`, in small batches (shared.batched_purge)."""
        return purge_expired(self._connection, PUBLISHED, cutoff, batch_size, dry_run=dry_run)
