"""The outbox table (t_event_outbox) as the relay and the operators' commands see it.

Every statement of the relay's cycle is short and runs in autocommit: claims never hold a
transaction open across a publish. A claim stamps rows with a fresh claim token; only the holder
of that token can mark them processed or failed, so a relay that lost its partitions cannot
overwrite its successor.

A row's states: waiting (processed_at, dead_at and held_at NULL; perhaps claimed), processed
(published; or skipped by an operator, when skipped_at is set too), dead (parked: no retry
helps) and held (waiting behind an earlier dead event of its aggregate). Replaying or skipping a
dead event releases the rows held behind it, in the same transaction.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Sequence

from outbox_relay.ordering import OutboxRow, retry_delay
from shared import db

_ROW_COLUMNS = ("id, event_id, event_type, school_id, aggregate_type, aggregate_id, payload, "
                "created_at, attempts, next_attempt_at")

# Rows under the caller's own live claim (the batch in flight) are skipped, so the head read
# while a batch awaits its confirms holds the rows that come after it.
_PARTITION_HEAD = (
    f"(SELECT {_ROW_COLUMNS} FROM t_event_outbox FORCE INDEX (ix_outbox_partition_pending) "
    "WHERE partition_no = %s AND processed_at IS NULL AND dead_at IS NULL AND held_at IS NULL "
    "AND NOT (claim_token <=> %s) ORDER BY id LIMIT %s)"
)

# Matches, for the row `later`, a dead event of its aggregate that came before it (same
# partition: every event of an aggregate lives in one).
_EARLIER_DEAD = (
    "dead.partition_no = later.partition_no AND dead.aggregate_type = later.aggregate_type "
    "AND dead.aggregate_id = later.aggregate_id AND dead.id < later.id "
    "AND dead.processed_at IS NULL AND dead.dead_at IS NOT NULL"
)

# Longest error text kept on a row (the column's width).
LAST_ERROR_LENGTH = 1000


@dataclass(frozen=True)
class Failure:
    row: OutboxRow
    error: str


@dataclass(frozen=True)
class OutboxStatus:
    unprocessed: int        # waiting for a relay (held and dead rows are counted apart)
    claimed: int
    stuck: int
    dead: int               # parked, waiting for an operator's replay or skip
    held: int               # held back behind an earlier dead event of their aggregate
    oldest_unprocessed_age_seconds: float | None
    relays: int


class NotDead(ValueError):
    """Named events that are not dead (unknown, waiting, held or already settled)."""

    def __init__(self, event_ids: Sequence[str]):
        super().__init__("not dead events: " + ", ".join(event_ids))
        self.event_ids = list(event_ids)


class OutboxStore:
    def __init__(self, connection):
        self._connection = connection

    # -- the relay's cycle ------------------------------------------------------------------

    def partition_heads(self, partitions: Sequence[int], per_partition: int,
                        skip_token: str | None = None) -> list[OutboxRow]:
        """The first unprocessed, undead rows of each partition, in one round trip
        (leaving out rows claimed with `skip_token`)."""
        if not partitions:
            return []
        sql = " UNION ALL ".join([_PARTITION_HEAD] * len(partitions))
        params: list = []
        for partition in partitions:
            # '' matches no token, so with nothing to skip every unprocessed row qualifies.
            params += [partition, skip_token or "", per_partition]
        with self._connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [_row(record) for record in cursor.fetchall()]

    def claim(self, rows: Sequence[OutboxRow], token: str, relay_id: str) -> list[OutboxRow]:
        """Stamp the rows with `token`; returns those still unprocessed and now ours."""
        if not rows:
            return []
        ids = [row.id for row in rows]
        with self._connection.cursor() as cursor:
            claimed = cursor.execute(
                "UPDATE t_event_outbox SET claimed_by = %s, claim_token = %s, "
                "claimed_at = UTC_TIMESTAMP(6) "
                "WHERE id IN %s AND processed_at IS NULL AND dead_at IS NULL AND held_at IS NULL",
                (relay_id, token, ids))
            if claimed == len(ids):
                return list(rows)
            cursor.execute("SELECT id FROM t_event_outbox WHERE id IN %s AND claim_token = %s",
                           (ids, token))
            ours = {record["id"] for record in cursor.fetchall()}
        return [row for row in rows if row.id in ours]

    def first_dead_by_aggregate(self, partitions: Sequence[int]) -> dict[tuple[str, int], int]:
        """For each aggregate of these partitions with a dead event: the first one's row id."""
        if not partitions:
            return {}
        with self._connection.cursor() as cursor:
            cursor.execute(
                "SELECT aggregate_type, aggregate_id, MIN(id) AS first_dead_id "
                "FROM t_event_outbox FORCE INDEX (ix_outbox_partition_pending) "
                "WHERE partition_no IN %s AND processed_at IS NULL AND dead_at IS NOT NULL "
                "GROUP BY aggregate_type, aggregate_id", (list(partitions),))
            return {(record["aggregate_type"], record["aggregate_id"]): record["first_dead_id"]
                    for record in cursor.fetchall()}

    def hold(self, rows: Sequence[OutboxRow]) -> int:
        """Hold the rows back, each only while an earlier event of its aggregate is still dead:
        checked in the statement itself, so a replay or skip that just happened wins."""
        if not rows:
            return 0
        with self._connection.cursor() as cursor:
            return cursor.execute(
                "UPDATE t_event_outbox AS later "
                f"JOIN t_event_outbox AS dead ON {_EARLIER_DEAD} "
                "SET later.held_at = UTC_TIMESTAMP(6), later.claimed_by = NULL, "
                "later.claim_token = NULL, later.claimed_at = NULL "
                "WHERE later.id IN %s AND later.processed_at IS NULL "
                "AND later.dead_at IS NULL AND later.held_at IS NULL",
                ([row.id for row in rows],))

    def release_orphaned_holds(self, partitions: Sequence[int]) -> int:
        """Release held rows with no earlier dead event left in their aggregate.

        Replay and skip release what they free themselves; this catches a hold that raced
        one of them, so no row can stay held with nothing to wait for."""
        if not partitions:
            return 0
        with self._connection.cursor() as cursor:
            return cursor.execute(
                "UPDATE t_event_outbox AS later "
                f"LEFT JOIN t_event_outbox AS dead ON {_EARLIER_DEAD} "
                "SET later.held_at = NULL "
                "WHERE later.partition_no IN %s AND later.processed_at IS NULL "
                "AND later.dead_at IS NULL AND later.held_at IS NOT NULL AND dead.id IS NULL",
                (list(partitions),))

    def mark_processed(self, ids: Sequence[int], token: str) -> int:
        if not ids:
            return 0
        with self._connection.cursor() as cursor:
            return cursor.execute(
                "UPDATE t_event_outbox SET processed_at = UTC_TIMESTAMP(6), claim_token = NULL "
                "WHERE id IN %s AND claim_token = %s", (list(ids), token))

    def release(self, ids: Sequence[int], token: str) -> int:
        """Give rows back untouched (the broker was unreachable: not the events' fault)."""
        if not ids:
            return 0
        with self._connection.cursor() as cursor:
            return cursor.execute(
                "UPDATE t_event_outbox SET claimed_by = NULL, claim_token = NULL, "
                "claimed_at = NULL WHERE id IN %s AND claim_token = %s", (list(ids), token))

    def record_failures(self, failures: Iterable[Failure], token: str, now: datetime,
                        max_attempts: int) -> tuple[int, int]:
        """Count an attempt for each failure; park as dead those out of attempts.

        Returns (retried, parked)."""
        retried = parked = 0
        with self._connection.cursor() as cursor:
            for failure in failures:
                attempts = failure.row.attempts + 1
                error = failure.error[:LAST_ERROR_LENGTH]
                if attempts >= max_attempts:
                    parked += cursor.execute(
                        "UPDATE t_event_outbox SET attempts = %s, last_error = %s, "
                        "dead_at = UTC_TIMESTAMP(6), claim_token = NULL, claimed_by = NULL, "
                        "claimed_at = NULL WHERE id = %s AND claim_token = %s",
                        (attempts, error, failure.row.id, token))
                else:
                    retried += cursor.execute(
                        "UPDATE t_event_outbox SET attempts = %s, last_error = %s, "
                        "next_attempt_at = %s, claim_token = NULL, claimed_by = NULL, "
                        "claimed_at = NULL WHERE id = %s AND claim_token = %s",
                        (attempts, error, now + retry_delay(attempts), failure.row.id, token))
        return retried, parked

    def park_dead(self, failures: Iterable[Failure], token: str) -> int:
        """Park rows no retry can help (malformed, unknown type) as dead straight away."""
        parked = 0
        with self._connection.cursor() as cursor:
            for failure in failures:
                parked += cursor.execute(
                    "UPDATE t_event_outbox SET attempts = attempts + 1, last_error = %s, "
                    "dead_at = UTC_TIMESTAMP(6), claim_token = NULL, claimed_by = NULL, "
                    "claimed_at = NULL WHERE id = %s AND claim_token = %s",
                    (failure.error[:LAST_ERROR_LENGTH], failure.row.id, token))
        return parked

    # -- operators ---------------------------------------------------------------------------

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
                (int(lease.total_seconds() * 1_000_000),))
            pending = cursor.fetchone()
            cursor.execute("SELECT COUNT(*) AS dead FROM t_event_outbox "
                           "WHERE processed_at IS NULL AND dead_at IS NOT NULL")
            dead = cursor.fetchone()["dead"]
            cursor.execute(
                "SELECT COUNT(*) AS relays FROM t_outbox_relay WHERE heartbeat_at > "
                "UTC_TIMESTAMP(6) - INTERVAL %s MICROSECOND",
                (int(lease.total_seconds() * 1_000_000),))
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
                (int(older_than.total_seconds() * 1_000_000),))
            cursor.execute(
                "UPDATE t_outbox_partition_lease SET owner = NULL, lease_until = NULL "
                "WHERE lease_until < UTC_TIMESTAMP(6) - INTERVAL %s MICROSECOND",
                (int(older_than.total_seconds() * 1_000_000),))
        return rows

    def purge_processed(self, older_than: timedelta, batch_size: int) -> int:
        """Delete processed rows in small batches, so no statement holds locks for long."""
        deleted = 0
        cutoff_sql = "UTC_TIMESTAMP(6) - INTERVAL %s SECOND"
        with self._connection.cursor() as cursor:
            while True:
                count = cursor.execute(
                    "DELETE FROM t_event_outbox WHERE processed_at IS NOT NULL "
                    f"AND processed_at < {cutoff_sql} ORDER BY processed_at LIMIT %s",
                    (int(older_than.total_seconds()), batch_size))
                deleted += count
                if count < batch_size:
                    return deleted

    def dead_events(self, limit: int) -> list[dict]:
        """Dead events, oldest first, each with how many events wait behind it (`holding`)."""
        with self._connection.cursor() as cursor:
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
                (limit,))
            return list(cursor.fetchall())

    def replay_dead(self, event_ids: Sequence[str] | None) -> int:
        """Put dead events back in line (all of them when event_ids is None) and release the
        events held behind them; they then go out in their order, the replayed one first.

        Raises NotDead, changing nothing, if a named event is not dead."""
        with db.transaction(self._connection) as cursor:
            dead = self._lock_dead(cursor, event_ids)
            if dead:
                cursor.execute(
                    "UPDATE t_event_outbox SET dead_at = NULL, attempts = 0, "
                    "next_attempt_at = NULL, last_error = NULL WHERE id IN %s",
                    ([record["id"] for record in dead],))
                _release_held(cursor, dead)
        return len(dead)

    def skip_dead(self, event_ids: Sequence[str]) -> int:
        """Settle the named dead events without publishing them (skipped_at says so; the last
        error stays) and release the events held behind them.

        Raises NotDead, changing nothing, if a named event is not dead."""
        if not event_ids:
            return 0
        with db.transaction(self._connection) as cursor:
            dead = self._lock_dead(cursor, event_ids)
            cursor.execute(
                "UPDATE t_event_outbox SET processed_at = UTC_TIMESTAMP(6), "
                "skipped_at = UTC_TIMESTAMP(6), claimed_by = NULL, claim_token = NULL, "
                "claimed_at = NULL WHERE id IN %s", ([record["id"] for record in dead],))
            _release_held(cursor, dead)
        return len(dead)

    @staticmethod
    def _lock_dead(cursor, event_ids: Sequence[str] | None) -> list[dict]:
        """The dead rows named (every one when event_ids is None), locked until commit."""
        sql = ("SELECT id, event_id, partition_no, aggregate_type, aggregate_id "
               "FROM t_event_outbox WHERE processed_at IS NULL AND dead_at IS NOT NULL")
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
            missing = [event_id for event_id in dict.fromkeys(event_ids)
                       if event_id not in found]
            if missing:
                raise NotDead(missing)
        return dead


def _release_held(cursor, dead: Iterable[dict]) -> None:
    """Release every row held in the aggregates of these dead rows. Rows behind another dead
    event of the same aggregate are held again by the relay before it publishes anything."""
    aggregates = {(record["partition_no"], record["aggregate_type"], record["aggregate_id"])
                  for record in dead}
    for partition_no, aggregate_type, aggregate_id in sorted(aggregates):
        cursor.execute(
            "UPDATE t_event_outbox SET held_at = NULL WHERE partition_no = %s "
            "AND processed_at IS NULL AND dead_at IS NULL AND held_at IS NOT NULL "
            "AND aggregate_type = %s AND aggregate_id = %s",
            (partition_no, aggregate_type, aggregate_id))


def _row(record: dict) -> OutboxRow:
    payload = record["payload"]
    if isinstance(payload, (bytes, bytearray)):
        payload = payload.decode("utf-8", "replace")
    try:
        payload = json.loads(payload) if isinstance(payload, str) else payload
    except ValueError:
        pass  # left as text: the relay parks it as malformed with the event id
    return OutboxRow(
        id=record["id"], event_id=record["event_id"], event_type=record["event_type"],
        school_id=record["school_id"], aggregate_type=record["aggregate_type"],
        aggregate_id=record["aggregate_id"], payload=payload, created_at=record["created_at"],
        attempts=record["attempts"], next_attempt_at=record["next_attempt_at"],
    )
