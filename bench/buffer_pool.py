"""A larger InnoDB buffer pool while a benchmark loads its rows, and the server's own size back
before anything is measured.

With the server's default 128 MB pool, every secondary index of a table of millions of rows
is updated by random page reads and writes: a 10,000,000-registration load would take hours
where the measurement takes minutes. Loaded with a pool that holds the indexes, the same rows
go in at memory speed; the pool is then shrunk back (MariaDB and MySQL resize it online), so
the latencies are measured at the size the smaller runs had, and the result says both sizes.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from bench.server_facts import server_facts
from shared import db
from shared.config import Settings

RESIZE_TIMEOUT_SECONDS = 900
RESIZE_POLL_SECONDS = 1.0
MIB = 1024 * 1024


def _pool_bytes(cursor) -> int:
    cursor.execute("SELECT @@innodb_buffer_pool_size AS size")
    return int(cursor.fetchone()["size"])


def resize_pool(settings: Settings, megabytes: int) -> int:
    """Ask for `megabytes` and wait until the server has resized; the size it settled on (it
    rounds to whole chunks). A connection of its own: a load may have run for an hour."""
    connection = db.connect(settings)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET GLOBAL innodb_buffer_pool_size = %s", (megabytes * MIB,))
            deadline = time.monotonic() + RESIZE_TIMEOUT_SECONDS
            while True:
                cursor.execute("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_resize_status'")
                status = (cursor.fetchone() or {}).get("Value", "")
                settled = _pool_bytes(cursor) // MIB
                if "resizing" not in status.lower() and abs(settled - megabytes) < 128:
                    return settled
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the buffer pool did not resize to {megabytes} MB: {status!r}"
                    )
                time.sleep(RESIZE_POLL_SECONDS)
    finally:
        connection.close()


@contextmanager
def loading_pool(settings: Settings, megabytes: int | None, into: dict):
    """Inside: the pool at `megabytes` (unchanged when None or not larger than it is). After:
    the server's own size again. `into["buffer_pool"]` says both, for the result."""
    own = server_facts(settings)["buffer_pool_mb"]
    if megabytes is None or megabytes <= own:
        into["buffer_pool"] = {"during_load_mb": own, "measured_mb": own}
        yield
        return
    during = resize_pool(settings, megabytes)
    try:
        yield
    finally:
        measured = resize_pool(settings, own)
    into["buffer_pool"] = {
        "during_load_mb": during,
        "measured_mb": measured,
        "why": (
            "loaded with a pool that holds the indexes, then shrunk back to the server's own "
            "size before anything was measured"
        ),
    }
