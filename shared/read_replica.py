"""Reads that tolerate a few seconds of lag, served by a read replica while it keeps up.

A use case marks itself `@lag_tolerant`: what it reads may be a few seconds old (the
dashboard's figures, the KPI API, the registrar's reports) and it writes nothing. Only such a
use case may be routed to the replica (shared.request_db.lag_tolerant_read); everything else
(the workspace, the lead queue after an action) reads its own writes on the primary.

`ReplicaRouter` decides, per process, whether the replica may serve: its SQL and I/O threads
run and Seconds_Behind_Master is at most EDQUILL_REPLICA_MAX_LAG_S. The check is a fresh
connection to the replica, at most once a second, not per query; a read that fails on the
replica marks it unusable until the next check, and is answered from the primary.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pymysql
from prometheus_client import Counter, Gauge

from shared import db
from shared.config import Settings

log = logging.getLogger(__name__)

PRIMARY, REPLICA = "primary", "replica"
LAG_TOLERANT_ATTRIBUTE = "edquill_lag_tolerant"
# Once a second is often enough to leave a replica that fell behind before a user notices,
# and rare enough that the check costs nothing beside the reads it routes.
LAG_CHECK_EVERY_SECONDS = 1.0
# A replica that does not answer in this long is treated as down: a read would sooner wait
# for the primary than for a replica that may never come back.
REPLICA_CONNECT_TIMEOUT_SECONDS = 1.0
# Errors that mean "the replica cannot serve this read now": the read goes to the primary.
REPLICA_ERRORS = (pymysql.err.Error, OSError)

READS = Counter(
    "edquill_lag_tolerant_reads_total",
    "Lag-tolerant reads, by service and the server that answered them",
    ["service", "side"],
)
FALLBACKS = Counter(
    "edquill_replica_fallbacks_total",
    "Lag-tolerant reads sent to the primary though a replica is configured, by why",
    ["service", "reason"],
)
LAG = Gauge(
    "edquill_replica_lag_seconds",
    "The replica's Seconds_Behind_Master at the last check (NaN: unknown or stopped)",
    ["service"],
    multiprocess_mode="max",
)

UseCase = TypeVar("UseCase", bound=Callable)


def lag_tolerant(use_case: UseCase) -> UseCase:
    """Mark a read-only use case whose answer may be a few seconds old."""
    setattr(use_case, LAG_TOLERANT_ATTRIBUTE, True)
    return use_case


def is_lag_tolerant(use_case: Callable) -> bool:
    return getattr(use_case, LAG_TOLERANT_ATTRIBUTE, False) is True


def replica_lag_seconds(status: dict | None) -> float | None:
    """The lag a SHOW SLAVE STATUS row says, or None when the replica is not replicating (no
    row, a stopped thread, NULL seconds behind): then it is too far behind to know."""
    if not status:
        return None
    if status.get("Slave_SQL_Running", status.get("Replica_SQL_Running")) != "Yes":
        return None
    if status.get("Slave_IO_Running", status.get("Replica_IO_Running")) != "Yes":
        return None
    behind = status.get("Seconds_Behind_Master", status.get("Seconds_Behind_Source"))
    return None if behind is None else float(behind)


def read_replica_status(settings: Settings) -> dict | None:
    """The replica's SHOW SLAVE STATUS row (None: it replicates from nowhere)."""
    connection = db.connect(
        settings, server=settings.mysql_replica, connect_timeout=REPLICA_CONNECT_TIMEOUT_SECONDS
    )
    try:
        with connection.cursor() as cursor:
            # MySQL 5.7 and MariaDB both know this spelling; MySQL 8.4 knows only the newer.
            try:
                cursor.execute("SHOW SLAVE STATUS")
            except pymysql.err.ProgrammingError:
                cursor.execute("SHOW REPLICA STATUS")
            return cursor.fetchone()
    finally:
        connection.close()


class ReplicaRouter:
    """Whether this process's lag-tolerant reads may go to the replica now."""

    def __init__(
        self,
        service: str,
        max_lag_seconds: float,
        read_status: Callable[[], dict | None],
        clock: Callable[[], float] = time.monotonic,
    ):
        self.service, self.max_lag_seconds = service, max_lag_seconds
        self._read_status, self._clock = read_status, clock
        self._lock = threading.Lock()
        self._usable, self._checked_at, self._checking = False, -math.inf, False
        self._why_not = "unchecked"

    @classmethod
    def for_settings(cls, settings: Settings, service: str) -> "ReplicaRouter | None":
        """The router a composition root wires, or None when no replica is configured."""
        if settings.mysql_replica is None:
            return None
        return cls(service, settings.replica_max_lag_seconds, lambda: read_replica_status(settings))

    def replica_usable(self) -> bool:
        """The last check's answer; one caller re-checks when it is due, the others do not
        wait for it."""
        with self._lock:
            due = self._clock() - self._checked_at >= LAG_CHECK_EVERY_SECONDS
            if not due or self._checking:
                return self._note_choice()
            self._checking = True
        try:
            usable, why_not = self._check()
        finally:
            with self._lock:
                self._checking = False
        with self._lock:
            self._usable, self._why_not, self._checked_at = usable, why_not, self._clock()
            return self._note_choice()

    def replica_failed(self, error: BaseException) -> None:
        """A read on the replica failed: none goes there again before the next check."""
        log.warning("read replica failed mid-read, reading from the primary: %s", error)
        FALLBACKS.labels(self.service, "failed_mid_read").inc()
        with self._lock:
            self._usable, self._why_not, self._checked_at = False, "unreachable", self._clock()

    def served(self, side: str) -> None:
        READS.labels(self.service, side).inc()

    def _check(self) -> tuple[bool, str]:
        try:
            lag = replica_lag_seconds(self._read_status())
        except REPLICA_ERRORS as exc:
            LAG.labels(self.service).set(math.nan)
            log.warning("read replica unreachable, reading from the primary: %s", exc)
            return False, "unreachable"
        LAG.labels(self.service).set(math.nan if lag is None else lag)
        if lag is None or lag > self.max_lag_seconds:
            return False, "lagging"
        return True, ""

    def _note_choice(self) -> bool:
        if not self._usable:
            FALLBACKS.labels(self.service, self._why_not).inc()
        return self._usable
