"""Claiming outbox rows (t_event_outbox): the relay reads each partition's head, holds back
what waits behind a dead event, and claims the rest for one batch.

The states of a row are told in outbox_status_store. Every statement here is short and runs in
autocommit: claims never hold a transaction open across a publish. A claim stamps rows with a
fresh claim token; only the holder of that token can settle them (settle_store) or give them
back, so a relay that lost its partitions cannot overwrite its successor.
"""

from __future__ import annotations

import json
from typing import Sequence

from outbox_relay.domain.ordering import OutboxRow

_ROW_COLUMNS = (
    "id, event_id, event_type, school_id, aggregate_type, aggregate_id, payload, "
    "created_at, attempts, next_attempt_at"
)

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


class ClaimStore:
    def __init__(self, connection):
        self._connection = connection

    def partition_heads(
        self, partitions: Sequence[int], per_partition: int, skip_token: str | None = None
    ) -> list[OutboxRow]:
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
                (relay_id, token, ids),
            )
            if claimed == len(ids):
                return list(rows)
            cursor.execute(
                "SELECT id FROM t_event_outbox WHERE id IN %s AND claim_token = %s", (ids, token)
            )
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
                "GROUP BY aggregate_type, aggregate_id",
                (list(partitions),),
            )
            return {
                (record["aggregate_type"], record["aggregate_id"]): record["first_dead_id"]
                for record in cursor.fetchall()
            }

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
                ([row.id for row in rows],),
            )

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
                (list(partitions),),
            )

    def release(self, ids: Sequence[int], token: str) -> int:
        """Give rows back untouched (the broker was unreachable: not the events' fault)."""
        if not ids:
            return 0
        with self._connection.cursor() as cursor:
            return cursor.execute(
                "UPDATE t_event_outbox SET claimed_by = NULL, claim_token = NULL, "
                "claimed_at = NULL WHERE id IN %s AND claim_token = %s",
                (list(ids), token),
            )


def _row(record: dict) -> OutboxRow:
    payload = record["payload"]
    if isinstance(payload, (bytes, bytearray)):
        payload = payload.decode("utf-8", "replace")
    try:
        payload = json.loads(payload) if isinstance(payload, str) else payload
    except ValueError:
        pass  # left as text: the relay parks it as malformed with the event id
    return OutboxRow(
        id=record["id"],
        event_id=record["event_id"],
        event_type=record["event_type"],
        school_id=record["school_id"],
        aggregate_type=record["aggregate_type"],
        aggregate_id=record["aggregate_id"],
        payload=payload,
        created_at=record["created_at"],
        attempts=record["attempts"],
        next_attempt_at=record["next_attempt_at"],
    )
