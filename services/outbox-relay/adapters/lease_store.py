"""Partition leases: which slices of the outbox this relay may publish.

The outbox has as many partitions as t_outbox_partition_lease has rows (partition_store; an
operator changes the count with `edquill outbox partitions --set N`), each leased to at most
one relay at a time. Relays announce themselves with a heartbeat, and each one keeps a fair
share of the partitions: it gives back extras when another relay appears and takes over
partitions whose lease ran out (a relay that was killed). Leases are renewed well before they
expire.
"""

from __future__ import annotations

import time
from datetime import timedelta

from outbox_relay.adapters.partition_store import lease_count, live_relays, partition_layout
from outbox_relay.domain.ordering import fair_share


class PartitionLeases:
    def __init__(self, connection, relay_id: str, lease: timedelta, clock=time.monotonic):
        self._connection = connection
        self._relay_id = relay_id
        self._lease_us = int(lease.total_seconds() * 1_000_000)
        # Renew at a third of the lease, so two missed rounds still leave the lease standing.
        self._renew_every = lease.total_seconds() / 3
        self._clock = clock
        self._next_renewal = 0.0
        self._lease_seconds = lease.total_seconds()
        self._valid_until = 0.0
        self.owned: tuple[int, ...] = ()
        self._layout_checked = False

    def reconnect(self, connection) -> None:
        self._connection = connection
        self._next_renewal = 0.0
        self._layout_checked = False

    def due(self) -> bool:
        """Whether the time has come to heartbeat, renew and rebalance."""
        return self._clock() >= self._next_renewal

    def current(self) -> tuple[int, ...]:
        """The partitions owned now; none once our lease may have run out unrenewed."""
        return self.owned if self._clock() < self._valid_until else ()

    def maintain(self) -> None:
        started = self._clock()
        with self._connection.cursor() as cursor:
            if not self._layout_checked:
                self._refuse_a_half_changed_layout(cursor)
            cursor.execute(
                "INSERT INTO t_outbox_relay (relay_id, started_at, heartbeat_at) "
                "VALUES (%s, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)) "
                "ON DUPLICATE KEY UPDATE heartbeat_at = UTC_TIMESTAMP(6)",
                (self._relay_id,),
            )
            cursor.execute(
                "UPDATE t_outbox_partition_lease SET lease_until = "
                "UTC_TIMESTAMP(6) + INTERVAL %s MICROSECOND WHERE owner = %s",
                (self._lease_us, self._relay_id),
            )
            share = fair_share(lease_count(cursor), live_relays(cursor, self._lease_us))
            owned = self._owned(cursor)
            if len(owned) > share:
                cursor.execute(
                    "UPDATE t_outbox_partition_lease SET owner = NULL, lease_until = NULL "
                    "WHERE owner = %s AND partition_no IN %s",
                    (self._relay_id, list(owned[share:])),
                )
            elif len(owned) < share:
                cursor.execute(
                    "UPDATE t_outbox_partition_lease SET owner = %s, "
                    "lease_until = UTC_TIMESTAMP(6) + INTERVAL %s MICROSECOND "
                    "WHERE owner IS NULL OR lease_until IS NULL OR lease_until < UTC_TIMESTAMP(6) "
                    "ORDER BY partition_no LIMIT %s",
                    (self._relay_id, self._lease_us, share - len(owned)),
                )
            self.owned = self._owned(cursor)
            # Relays gone for a day are forgotten; their rows only count live relays anyway.
            cursor.execute(
                "DELETE FROM t_outbox_relay WHERE heartbeat_at < UTC_TIMESTAMP(6) - INTERVAL 1 DAY"
            )
        # Measured from before the renewal, so our view expires no later than the lease does.
        self._valid_until = started + self._lease_seconds * 0.9
        self._next_renewal = started + self._renew_every

    def release_all(self) -> None:
        """Give every partition back and leave (a graceful stop)."""
        with self._connection.cursor() as cursor:
            cursor.execute(
                "UPDATE t_outbox_partition_lease SET owner = NULL, lease_until = NULL "
                "WHERE owner = %s",
                (self._relay_id,),
            )
            cursor.execute("DELETE FROM t_outbox_relay WHERE relay_id = %s", (self._relay_id,))
        self.owned = ()

    def _refuse_a_half_changed_layout(self, cursor) -> None:
        layout = partition_layout(cursor)
        if not layout.consistent:
            # Partitions nobody can lease would never be published: stop loudly instead.
            raise RuntimeError(
                f"the outbox numbers events for {layout.modulus} partitions but leases "
                f"{layout.leases}: finish `edquill outbox partitions --set N` first"
            )
        self._layout_checked = True

    def _owned(self, cursor) -> tuple[int, ...]:
        cursor.execute(
            "SELECT partition_no FROM t_outbox_partition_lease WHERE owner = %s "
            "AND lease_until > UTC_TIMESTAMP(6) ORDER BY partition_no",
            (self._relay_id,),
        )
        return tuple(record["partition_no"] for record in cursor.fetchall())
