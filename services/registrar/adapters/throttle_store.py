"""Fixed-window counters in MySQL (t_rate_limit), shared by every worker and every host.

A bucket names what is counted for whom ('login:address:203.0.113.9'); its window starts at
the first hit and lasts `window_seconds`; a hit after the window ends starts a new one. The
counter lives in the database rather than in a worker's memory, so a limit holds however many
gunicorn workers (or machines) answer, and a restart does not reset it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime

from shared.db import transaction
from shared.errors import TooManyAttempts

# Rows of windows older than this are dead weight (no limit uses a longer window).
EXPIRED_AFTER_SECONDS = 24 * 3600
# Share of hits that also delete some expired rows: the table cleans itself without a cron
# job, and one hit in a thousand pays for it.
PURGE_PROBABILITY = 0.001
PURGE_BATCH = 500


@dataclass(frozen=True)
class Limit:
    max_hits: int
    window_seconds: int


@dataclass(frozen=True)
class Window:
    hits: int
    retry_after: int  # whole seconds until the window ends (at least 1)


class Throttled(TooManyAttempts):
    """A limit of this table's is reached for the key: try again in `retry_after` seconds."""


def seconds_left(window_started_at: datetime, now: datetime, window_seconds: int) -> int:
    remaining = window_seconds - (now - window_started_at).total_seconds()
    return max(1, math.ceil(remaining))


def count_hit(connection, bucket: str, limit: Limit) -> Window:
    """Count one hit in the bucket's current window (starting a new one if it ended).

    Committed here, on its own, not in the caller's unit of work: a hit must count even when
    what it guards then fails (a wrong password is the case it exists for)."""
    with transaction(connection) as cursor:
        # ON DUPLICATE KEY UPDATE assigns left to right: `hits` must be decided while
        # window_started_at still holds the old window's start.
        cursor.execute(
            "INSERT INTO t_rate_limit (bucket, window_started_at, hits) "
            "VALUES (%s, UTC_TIMESTAMP(6), 1) ON DUPLICATE KEY UPDATE "
            "hits = IF(window_started_at <= UTC_TIMESTAMP(6) - INTERVAL %s SECOND, 1, hits + 1), "
            "window_started_at = IF(window_started_at <= UTC_TIMESTAMP(6) - INTERVAL %s SECOND, "
            "UTC_TIMESTAMP(6), window_started_at)",
            (bucket, limit.window_seconds, limit.window_seconds),
        )
        window = _read(cursor, bucket, limit)
    if random.random() < PURGE_PROBABILITY:
        purge_expired(connection)
    return window


def forgive_hit(connection, bucket: str) -> None:
    """Take one hit back (an attempt counted up front turned out to be harmless)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE t_rate_limit SET hits = hits - 1 WHERE bucket = %s AND hits > 0", (bucket,)
        )


def clear(connection, bucket: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM t_rate_limit WHERE bucket = %s", (bucket,))


def purge_expired(connection) -> int:
    with connection.cursor() as cursor:
        return cursor.execute(
            "DELETE FROM t_rate_limit WHERE window_started_at < "
            "UTC_TIMESTAMP(6) - INTERVAL %s SECOND LIMIT %s",
            (EXPIRED_AFTER_SECONDS, PURGE_BATCH),
        )


def _read(cursor, bucket: str, limit: Limit) -> Window:
    cursor.execute(
        "SELECT hits, window_started_at, UTC_TIMESTAMP(6) AS now "
        "FROM t_rate_limit WHERE bucket = %s",
        (bucket,),
    )
    row = cursor.fetchone()
    return Window(
        row["hits"], seconds_left(row["window_started_at"], row["now"], limit.window_seconds)
    )
