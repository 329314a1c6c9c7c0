"""Deleting expired rows a small batch at a time: the one mechanism every retention purge
runs on (each service says which of its rows have expired, as an ExpiringRows).

A batch is two statements in autocommit: a plain read of the next expired keys down the
table's time index (a consistent read: no locks), then a DELETE of exactly those keys by
primary key. The DELETE locks only the rows it removes, never a range of the time index, so the
table's writers (whose new rows land at the index's young or NULL end) are never held up, and
each batch is its own commit. Expired rows are settled ones that nothing changes again, so the
keys read are still expired when they are deleted; the DELETE names keys only because a second
condition would let the optimizer lock its way down the time index instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from shared.db import placeholders

# Rest between batches: lets replicas and the table's writers catch up during a large purge.
PAUSE_BETWEEN_BATCHES_SECONDS = 0.05


@dataclass(frozen=True)
class ExpiringRows:
    """Rows of one table that expire. Every field is SQL written in the code, never input."""

    table: str
    key: tuple[str, ...]  # the primary key's columns
    # The condition of an expired row, its one %s the cutoff: settled rows only, which
    # nothing updates again (see above).
    expired: str
    age_column: str  # the indexed time column the batches walk, oldest first


def count_expired(connection, rows: ExpiringRows, cutoff: datetime) -> int:
    """How many rows a purge at `cutoff` would delete (a dry run); dict rows, like the purge."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) AS expired FROM {rows.table} WHERE {rows.expired}", (cutoff,)
        )
        return int(cursor.fetchone()["expired"])


def purge_expired(
    connection,
    rows: ExpiringRows,
    cutoff: datetime,
    batch_size: int,
    *,
    dry_run: bool = False,
    pause_seconds: float = PAUSE_BETWEEN_BATCHES_SECONDS,
) -> int:
    """Delete the rows expired at `cutoff`, `batch_size` per commit; returns how many went
    (with dry_run, how many would go: nothing is deleted).

    The connection must be in autocommit, with dict rows (shared.db.connect's defaults)."""
    if dry_run:
        return count_expired(connection, rows, cutoff)
    deleted = 0
    key_columns = ", ".join(rows.key)
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {key_columns} FROM {rows.table} WHERE {rows.expired} "
                f"ORDER BY {rows.age_column} LIMIT %s",
                (cutoff, batch_size),
            )
            keys = [tuple(record[column] for column in rows.key) for record in cursor.fetchall()]
            if keys:
                deleted += cursor.execute(
                    f"DELETE FROM {rows.table} WHERE {_key_in(rows.key, len(keys))}",
                    tuple(value for key in keys for value in key),
                )
        if len(keys) < batch_size:
            return deleted
        time.sleep(pause_seconds)


def _key_in(key: tuple[str, ...], count: int) -> str:
    if len(key) == 1:
        return f"{key[0]} IN ({placeholders(count)})"
    row = f"({placeholders(len(key))})"
    return f"({', '.join(key)}) IN ({', '.join([row] * count)})"
