"""Dead outbox events (t_event_outbox rows parked with dead_at) and the rows held behind them,
for the operators' `edquill outbox dead` commands.

The functions run on the caller's cursor: replaying or skipping a dead event and releasing the
rows held behind it are one transaction, which the service layer opens.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from outbox_relay.domain.failures import NotDead


def dead_events(cursor, limit: int) -> list[dict]:
    """Dead events, oldest first, each with how many events wait behind it (`holding`)."""
    cursor.execute(
        "SELECT d.id, d.event_id, d.event_type, d.school_id, d.aggregate_type, "
        "d.aggregate_id, d.attempts, d.last_error, d.dead_at, "
        "(SELECT COUNT(*) FROM t_event_outbox AS h "
        " WHERE h.partition_no = d.partition_no AND h.processed_at IS NULL "
        " AND h.dead_at IS NULL AND h.held_at IS NOT NULL "
        " AND h.aggregate_type = d.aggregate_type AND h.aggregate_id = d.aggregate_id"
        ") AS holding "
        "FROM t_event_outbox AS d "
        "WHERE d.processed_at IS NULL AND d.dead_at IS NOT NULL ORDER BY d.id LIMIT %s",
        (limit,),
    )
    return list(cursor.fetchall())


def lock_dead(cursor, event_ids: Sequence[str] | None) -> list[dict]:
    """The dead rows named (every one when event_ids is None), locked until commit.

    Raises NotDead if a named event is not dead."""
    sql = (
        "SELECT id, event_id, partition_no, aggregate_type, aggregate_id "
        "FROM t_event_outbox WHERE processed_at IS NULL AND dead_at IS NOT NULL"
    )
    params: tuple = ()
    if event_ids is not None:
        if not event_ids:
            return []
        sql += " AND event_id IN %s"
        params = (list(event_ids),)
    cursor.execute(sql + " ORDER BY id FOR UPDATE", params)
    dead = list(cursor.fetchall())
    if event_ids is not None:
        found = {record["event_id"] for record in dead}
        missing = [event_id for event_id in dict.fromkeys(event_ids) if event_id not in found]
        if missing:
            raise NotDead(missing)
    return dead


def put_back_in_line(cursor, dead: Sequence[dict]) -> None:
    """Make these dead rows waiting again, with their attempts and last error cleared."""
    cursor.execute(
        "UPDATE t_event_outbox SET dead_at = NULL, attempts = 0, "
        "next_attempt_at = NULL, last_error = NULL WHERE id IN %s",
        ([record["id"] for record in dead],),
    )


def mark_skipped(cursor, dead: Sequence[dict]) -> None:
    """Settle these dead rows unpublished: skipped_at says so, the last error stays."""
    cursor.execute(
        "UPDATE t_event_outbox SET processed_at = UTC_TIMESTAMP(6), "
        "skipped_at = UTC_TIMESTAMP(6), claimed_by = NULL, claim_token = NULL, "
        "claimed_at = NULL WHERE id IN %s",
        ([record["id"] for record in dead],),
    )


def release_held(cursor, dead: Iterable[dict]) -> None:
    """Release every row held in the aggregates of these dead rows. Rows behind another dead
    event of the same aggregate are held again by the relay before it publishes anything."""
    aggregates = {
        (record["partition_no"], record["aggregate_type"], record["aggregate_id"])
        for record in dead
    }
    for partition_no, aggregate_type, aggregate_id in sorted(aggregates):
        cursor.execute(
            "UPDATE t_event_outbox SET held_at = NULL WHERE partition_no = %s "
            "AND processed_at IS NULL AND dead_at IS NULL AND held_at IS NOT NULL "
            "AND aggregate_type = %s AND aggregate_id = %s",
            (partition_no, aggregate_type, aggregate_id),
        )
