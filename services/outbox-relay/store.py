"""The outbox table (t_event_outbox) as the relay and the operators' commands see it.

Every statement is short and runs in autocommit: claims never hold a transaction open across
a publish. A claim stamps rows with a fresh claim token; only the holder of that token can mark
them processed or failed, so a relay that lost its partitions cannot overwrite its successor.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Sequence

from outbox_relay.ordering import OutboxRow, retry_delay

_ROW_COLUMNS = ("id, event_id, event_type, school_id, aggregate_type, aggregate_id, payload, "
                "created_at, attempts, next_attempt_at")

# Rows under the caller's own live claim (the batch in flight) are skipped, so the head read
# while a batch awaits its confirms holds the rows that come after it.
_PARTITION_HEAD = (
    f"(SELECT {_ROW_COLUMNS} FROM t_event_outbox FORCE INDEX (ix_outbox_partition_pending) "
    "WHERE partition_no = %s AND processed_at IS NULL AND dead_at IS NULL "
    "AND NOT (claim_token <=> %s) ORDER BY id LIMIT %s)"
)

# Longest error text kept on a row (the column's width).
LAST_ERROR_LENGTH = 1000


@dataclass(frozen=True)
class Failure:
    row: OutboxRow
    error: str


@dataclass(frozen=True)
class OutboxStatus:
    unprocessed: int
    claimed: int
    stuck: int
    dead: int
    oldest_unprocessed_age_seconds: float | None
    relays: int


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
                "WHERE id IN %s AND processed_at IS NULL AND dead_at IS NULL",
                (relay_id, token, ids))
            if claimed == len(ids):
                return list(rows)
            cursor.execute("SELECT id FROM t_event_outbox WHERE id IN %s AND claim_token = %s",
                           (ids, token))
            ours = {record["id"] for record in cursor.fetchall()}
        return [row for row in rows if row.id in ours]

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
        with self._connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) AS unprocessed, "
                "SUM(claim_token IS NOT NULL) AS claimed, "
                "SUM(claim_token IS NOT NULL AND claimed_at < UTC_TIMESTAMP(6) - INTERVAL %s "
                "MICROSECOND) AS stuck, "
                "TIMESTAMPDIFF(MICROSECOND, MIN(created_at), UTC_TIMESTAMP(6)) AS oldest_us "
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
            oldest_unprocessed_age_seconds=None if oldest is None else oldest / 1_000_000,
            relays=int(relays or 0),
        )

    def reset_stuck(self, older_than: timedelta) -> int:
        """Clear claims older than `older_than` (the runbook's manual reset)."""
        with self._connection.cursor() as cursor:
            rows = cursor.execute(
                "UPDATE t_event_outbox SET claimed_by = NULL, claim_token = NULL, "
                "claimed_at = NULL WHERE processed_at IS NULL AND claim_token IS NOT NULL "
                "AND claimed_at < UTC_TIMESTAMP(6) - INTERVAL %s SECOND",
                (int(older_than.total_seconds()),))
            cursor.execute(
                "UPDATE t_outbox_partition_lease SET owner = NULL, lease_until = NULL "
                "WHERE lease_until < UTC_TIMESTAMP(6) - INTERVAL %s SECOND",
                (int(older_than.total_seconds()),))
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
        with self._connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, event_id, event_type, school_id, aggregate_id, attempts, "
                "last_error, dead_at FROM t_event_outbox "
                "WHERE processed_at IS NULL AND dead_at IS NOT NULL ORDER BY id LIMIT %s",
                (limit,))
            return list(cursor.fetchall())

    def replay_dead(self, event_ids: Sequence[str] | None) -> int:
        """Put dead events back in line (all of them when event_ids is None)."""
        sql = ("UPDATE t_event_outbox SET dead_at = NULL, attempts = 0, next_attempt_at = NULL, "
               "last_error = NULL WHERE processed_at IS NULL AND dead_at IS NOT NULL")
        params: tuple = ()
        if event_ids is not None:
            if not event_ids:
                return 0
            sql += " AND event_id IN %s"
            params = (list(event_ids),)
        with self._connection.cursor() as cursor:
            return cursor.execute(sql, params)


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
