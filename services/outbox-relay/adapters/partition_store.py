"""How many partitions the outbox has, and changing it.

The count lives in the database, in two places that must agree: the modulus of
t_event_outbox.partition_no (a stored generated column, `aggregate_id % N`, so every event of
one registration lands in one partition) and the N rows of t_outbox_partition_lease that relays
lease. Relays read the count from the lease rows; `partition_layout` reads both so a half-done
change shows, and `repartition` is safe to run again until they agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# partition_no is a TINYINT UNSIGNED; more partitions than relays you will ever run buys nothing.
MAX_PARTITIONS = 255


@dataclass(frozen=True)
class PartitionLayout:
    modulus: int  # what partition_no is computed with
    leases: int  # how many partitions relays can lease

    @property
    def consistent(self) -> bool:
        return self.modulus == self.leases


def lease_count(cursor) -> int:
    cursor.execute("SELECT COUNT(*) AS n FROM t_outbox_partition_lease")
    return cursor.fetchone()["n"]


def partition_layout(cursor) -> PartitionLayout:
    cursor.execute(
        "SELECT GENERATION_EXPRESSION AS expression FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't_event_outbox' "
        "AND COLUMN_NAME = 'partition_no'"
    )
    expression = cursor.fetchone()["expression"]
    # MySQL says "(`aggregate_id` % 16)", MariaDB "`aggregate_id` MOD 16" or "... % 16".
    modulus = re.search(r"(\d+)\D*$", expression)
    if modulus is None:
        raise RuntimeError(f"t_event_outbox.partition_no is not a modulus: {expression}")
    return PartitionLayout(int(modulus.group(1)), lease_count(cursor))


def live_relays(cursor, lease_us: int) -> int:
    cursor.execute(
        "SELECT COUNT(*) AS live FROM t_outbox_relay "
        "WHERE heartbeat_at > UTC_TIMESTAMP(6) - INTERVAL %s MICROSECOND",
        (lease_us,),
    )
    return cursor.fetchone()["live"]


def open_claims(cursor) -> int:
    cursor.execute(
        "SELECT COUNT(*) AS n FROM t_event_outbox "
        "WHERE claimed_by IS NOT NULL AND processed_at IS NULL"
    )
    return cursor.fetchone()["n"]


def repartition(connection, count: int) -> None:
    """Recompute every row's partition with `count` and lease exactly that many partitions.

    The ALTER rewrites t_event_outbox (time grows with its rows: purge first) and commits on
    its own, so the lease rows are replaced after it; run again if interrupted in between.
    """
    if not 1 <= count <= MAX_PARTITIONS:
        raise ValueError(f"partitions must be between 1 and {MAX_PARTITIONS}")
    with connection.cursor() as cursor:
        if partition_layout(cursor).modulus != count:
            # DDL takes no placeholders; `count` is an int checked against the range above.
            cursor.execute(
                "ALTER TABLE t_event_outbox MODIFY partition_no TINYINT UNSIGNED "
                f"AS (aggregate_id % {int(count)}) STORED"
            )
        connection.begin()
        cursor.execute("DELETE FROM t_outbox_partition_lease")
        cursor.executemany(
            "INSERT INTO t_outbox_partition_lease (partition_no) VALUES (%s)",
            [(partition,) for partition in range(count)],
        )
        connection.commit()
