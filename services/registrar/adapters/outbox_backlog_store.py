"""How far the outbox relays are behind, read from t_event_outbox itself: the figures the
registrar's /metrics serves at each scrape, so they hold while every relay is stopped.

The same figures as the relays' own gauges (edquill_outbox_backlog and
edquill_outbox_oldest_age_seconds): waiting rows are unprocessed, not dead and not held.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutboxBacklog:
    waiting: int
    oldest_age_seconds: float  # 0 when nothing waits, as the relays report it


def outbox_backlog(cursor) -> OutboxBacklog:
    # One range scan of the pending rows only (processed_at and dead_at NULL lead the index),
    # cheap at every scrape however long the processed history grows.
    cursor.execute(
        "SELECT COUNT(*) AS waiting, "
        "TIMESTAMPDIFF(MICROSECOND, MIN(created_at), UTC_TIMESTAMP(6)) AS oldest_us "
        "FROM t_event_outbox FORCE INDEX (ix_outbox_processed) "
        "WHERE processed_at IS NULL AND dead_at IS NULL AND held_at IS NULL"
    )
    row = cursor.fetchone()
    oldest = row["oldest_us"]
    return OutboxBacklog(
        waiting=int(row["waiting"] or 0),
        oldest_age_seconds=0.0 if oldest is None else max(oldest, 0) / 1_000_000,
    )
