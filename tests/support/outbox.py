"""The outbox as the relay tests see it: events written with plain SQL (through the
registration triggers, or straight into t_event_outbox, broken ones included), what the relays
left in the tables, and the order events arrived in."""

from __future__ import annotations

import json
import signal
import socket
import threading
import time
import uuid
from collections import defaultdict
from datetime import datetime, timezone
from typing import Callable, Iterable

from shared import db
from shared.config import Settings
from tests.support.processes import EdquillProcess
from tests.support.waiting import stays_true, wait_until

STATUS_UPDATED = "selfreg.status.updated"
# A statement a paused relay had already sent has run by then (they take milliseconds).
SETTLE_SECONDS = 0.3

_COLUMNS = (
    "event_id",
    "event_type",
    "school_id",
    "aggregate_type",
    "aggregate_id",
    "payload",
    "created_at",
    "claimed_by",
    "claim_token",
    "claimed_at",
    "processed_at",
    "attempts",
    "next_attempt_at",
    "last_error",
    "dead_at",
    "held_at",
    "skipped_at",
)
_INSERT = (
    f"INSERT INTO t_event_outbox ({', '.join(_COLUMNS)}) "
    f"VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
)


# -- writing events -----------------------------------------------------------------------


def outbox_row(
    aggregate_id: int,
    *,
    event_type: str = STATUS_UPDATED,
    payload=None,
    school_id: int = 1,
    **columns,
) -> dict:
    """An outbox row as a service would enqueue it; override any column with `columns`."""
    if payload is None:
        payload = {
            "registration_id": aggregate_id,
            "from_status": "pending",
            "to_status": "in_review",
        }
    row = {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "school_id": school_id,
        "aggregate_type": "self_registration",
        "aggregate_id": aggregate_id,
        "payload": payload,
        "created_at": utcnow(),
        "claimed_by": None,
        "claim_token": None,
        "claimed_at": None,
        "processed_at": None,
        "attempts": 0,
        "next_attempt_at": None,
        "last_error": None,
        "dead_at": None,
        "held_at": None,
        "skipped_at": None,
    }
    unknown = set(columns) - set(row)
    if unknown:
        raise TypeError(f"not outbox columns: {sorted(unknown)}")
    row.update(columns)
    return row


def insert_outbox_rows(connection, rows: Iterable[dict]) -> list[str]:
    """Insert the rows in the given order (multi-row INSERTs); returns their event ids."""
    rows = list(rows)
    values = [
        tuple(json.dumps(row[c]) if c == "payload" else row[c] for c in _COLUMNS) for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(_INSERT, values)
    return [row["event_id"] for row in rows]


def interleaved_status_events(aggregate_ids: Iterable[int], per_aggregate: int) -> list[dict]:
    """`per_aggregate` events for each aggregate, round-robin, as many registrations moving
    through their statuses at once would produce them."""
    aggregate_ids = list(aggregate_ids)
    return [
        outbox_row(
            aggregate_id,
            payload={
                "registration_id": aggregate_id,
                "from_status": "pending",
                "to_status": "in_review",
                "step": step,
            },
        )
        for step in range(per_aggregate)
        for aggregate_id in aggregate_ids
    ]


def create_registrations(connection, school_id: int, count: int) -> list[int]:
    """`count` registrations in one plain INSERT (the submitted trigger fires for each)."""
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO student_self_registrations "
            "(school_id, student_first_name, student_last_name, guardian_email) "
            "VALUES (%s, %s, %s, %s)",
            [(school_id, f"Student{n}", "Test", f"family{n}@example.com") for n in range(count)],
        )
        cursor.execute(
            "SELECT id FROM student_self_registrations WHERE school_id = %s ORDER BY id",
            (school_id,),
        )
        return [record["id"] for record in cursor.fetchall()]


def set_school_status(connection, school_id: int, status: str) -> int:
    """One plain UPDATE moving every registration of the school (the status trigger fires)."""
    with connection.cursor() as cursor:
        return cursor.execute(
            "UPDATE student_self_registrations SET status = %s WHERE school_id = %s",
            (status, school_id),
        )


class SteadyProducer:
    """Inserts `per_tick` events every `interval` seconds from a thread of its own, cycling
    over `aggregates` registrations, until stopped: traffic that keeps coming during an
    outage."""

    def __init__(
        self,
        settings: Settings,
        *,
        aggregates: Iterable[int],
        per_tick: int = 20,
        interval: float = 0.05,
        school_id: int = 1,
        row_for: Callable[[int, int], dict] | None = None,
    ):
        self._settings = settings
        self._school_id = school_id
        # row_for(aggregate_id, n): the run's n-th event (0, 1, ...), for that registration; by
        # default a status update.
        self._row_for = row_for or (
            lambda aggregate, _n: outbox_row(aggregate, school_id=school_id)
        )
        self._aggregates = list(aggregates)
        self._per_tick = per_tick
        self._interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._produce, name="steady-producer", daemon=True)
        self.event_ids: list[str] = []
        self.error: BaseException | None = None

    def __enter__(self) -> "SteadyProducer":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def stop(self) -> list[str]:
        """Stop producing; returns the ids of every event produced."""
        self._stopping.set()
        self._thread.join(timeout=30)
        if self.error is not None:
            raise AssertionError(f"the producer failed: {self.error!r}") from self.error
        return self.event_ids

    def _produce(self) -> None:
        connection = db.connect(self._settings, "registrar")
        tick = 0
        try:
            while not self._stopping.is_set():
                rows = [
                    self._row_for(
                        self._aggregates[(tick * self._per_tick + n) % len(self._aggregates)],
                        tick * self._per_tick + n,
                    )
                    for n in range(self._per_tick)
                ]
                self.event_ids += insert_outbox_rows(connection, rows)
                tick += 1
                self._stopping.wait(self._interval)
        except BaseException as exc:  # reported by stop(), in the test's thread
            self.error = exc
        finally:
            connection.close()


def utcnow() -> datetime:
    """Now in UTC, naive, as the outbox's DATETIME columns hold it."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


# -- reading what the relays left ---------------------------------------------------------


def event_ids_by_aggregate(connection) -> dict[int, list[str]]:
    """Every registration event in the outbox, per registration, in id (commit) order (the
    schools' own events go to school.* queues, which the tests' selfreg probes do not bind)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_id, aggregate_id FROM t_event_outbox "
            "WHERE aggregate_type = 'self_registration' ORDER BY id"
        )
        order: dict[int, list[str]] = defaultdict(list)
        for record in cursor.fetchall():
            order[record["aggregate_id"]].append(record["event_id"])
    return dict(order)


def first_arrival_order(bodies: Iterable[dict]) -> dict[int, list[str]]:
    """Per aggregate, the event ids in the order of their first arrival (redeliveries dropped)."""
    seen: set[str] = set()
    order: dict[int, list[str]] = defaultdict(list)
    for body in bodies:
        if body["event_id"] not in seen:
            seen.add(body["event_id"])
            order[body["aggregate_id"]].append(body["event_id"])
    return dict(order)


def arrived_ids(bodies: Iterable[dict]) -> set[str]:
    return {body["event_id"] for body in bodies}


def stored_event(connection, event_id: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM t_event_outbox WHERE event_id = %s", (event_id,))
        return cursor.fetchone()


_COUNTS = {
    "all": "SELECT COUNT(*) AS n FROM t_event_outbox",
    "unprocessed": "SELECT COUNT(*) AS n FROM t_event_outbox "
    "WHERE processed_at IS NULL AND dead_at IS NULL",
    "claimed": "SELECT COUNT(*) AS n FROM t_event_outbox "
    "WHERE processed_at IS NULL AND claim_token IS NOT NULL",
    "processed": "SELECT COUNT(*) AS n FROM t_event_outbox WHERE processed_at IS NOT NULL",
    "dead": "SELECT COUNT(*) AS n FROM t_event_outbox "
    "WHERE processed_at IS NULL AND dead_at IS NOT NULL",
    "held": "SELECT COUNT(*) AS n FROM t_event_outbox "
    "WHERE processed_at IS NULL AND held_at IS NOT NULL",
}


def count_rows(connection, kind: str = "all") -> int:
    """How many outbox rows are `kind`: all, unprocessed, claimed, processed, dead or held."""
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS[kind])
        return cursor.fetchone()["n"]


def relay_owner_prefix(pid: int) -> str:
    """How a relay process names itself in the lease table (see relay.new_relay_id)."""
    return f"{socket.gethostname()[:40]}:{pid}:"


def claims_held_by(connection, pid: int) -> int:
    """Unprocessed rows the relay process `pid` has claimed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) AS n FROM t_event_outbox WHERE processed_at IS NULL "
            "AND claim_token IS NOT NULL AND claimed_by LIKE %s",
            (relay_owner_prefix(pid) + "%",),
        )
        return cursor.fetchone()["n"]


def pause_holding_a_claimed_batch(relay: EdquillProcess, connection, timeout: float = 20) -> None:
    """Leave the relay paused (SIGSTOP) in the middle of a batch: holding claimed rows.

    Claims seen once may be settling already (the relay may have sent its UPDATE), so the relay
    stays paused only if its claims outlast any statement it had on its way; else it resumes
    and is caught at a later batch."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        wait_until(
            lambda: claims_held_by(connection, relay.pid) > 0,
            timeout=max(deadline - time.monotonic(), 0),
            what="the relay to hold a claimed batch",
        )
        relay.send_signal(signal.SIGSTOP)
        if stays_true(lambda: claims_held_by(connection, relay.pid) > 0, SETTLE_SECONDS):
            return
        relay.send_signal(signal.SIGCONT)
    raise AssertionError("never caught the relay holding a claimed batch")


def partitions_by_owner(connection) -> dict[str, int]:
    """Owner -> how many partitions it holds on a lease that has not run out."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT owner, COUNT(*) AS n FROM t_outbox_partition_lease "
            "WHERE owner IS NOT NULL AND lease_until > UTC_TIMESTAMP(6) "
            "GROUP BY owner"
        )
        return {record["owner"]: record["n"] for record in cursor.fetchall()}


def partitions_of(connection, pid: int) -> int:
    prefix = relay_owner_prefix(pid)
    return sum(
        n for owner, n in partitions_by_owner(connection).items() if owner.startswith(prefix)
    )


def leased_partitions(connection) -> int:
    """Partitions with any owner recorded, whether or not the lease has run out."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) AS n FROM t_outbox_partition_lease WHERE owner IS NOT NULL")
        return cursor.fetchone()["n"]


def registered_relays(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) AS n FROM t_outbox_relay")
        return cursor.fetchone()["n"]
