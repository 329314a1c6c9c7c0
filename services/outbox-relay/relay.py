"""The relay loop: claim a batch, publish it with confirms, settle each row.

One batch is in flight at a time, so nothing of a batch is settled twice and the order of an
aggregate's events holds across batches. The loop polls again at once while there is work and
backs off, doubling from IDLE_FIRST_SLEEP up to the configured cap, while there is none.
"""
from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

import pymysql

from outbox_relay import metrics
from outbox_relay.leases import PartitionLeases
from outbox_relay.ordering import OutboxRow, publishable
from outbox_relay.publisher import BrokerUnavailable, ConfirmingPublisher, Message
from outbox_relay.store import Failure, OutboxStore
from shared.events import Event, MalformedEvent

log = logging.getLogger(__name__)

# The first idle poll comes this soon after the last event: at a steady trickle, the next
# event is usually already there, and a few ms of sleep cost no latency worth mentioning.
IDLE_FIRST_SLEEP = 0.001
# Reconnecting to a lost database or broker starts at RECONNECT_FIRST_DELAY and doubles up to
# RECONNECT_MAX_DELAY: quick after a blip, gentle during an outage.
RECONNECT_FIRST_DELAY = 0.2
RECONNECT_MAX_DELAY = 10.0
# Backlog and oldest-age gauges are refreshed this often; the query reads an index, but there
# is no need to run it every poll.
STATUS_EVERY_SECONDS = 5.0

DATABASE_ERRORS = (pymysql.err.OperationalError, pymysql.err.InterfaceError)


@dataclass(frozen=True)
class RelayOptions:
    batch_size: int = 500
    max_idle_sleep: float = 0.05
    lease: timedelta = timedelta(seconds=15)
    # A row that failed this many publishes is parked as dead (about a minute of retries).
    max_attempts: int = 8
    confirm_timeout: float = 10.0


class Backoff:
    def __init__(self, first: float, cap: float):
        self._first, self._cap, self._next = first, cap, first

    def next(self) -> float:
        delay, self._next = self._next, min(self._next * 2, self._cap)
        return delay

    def reset(self) -> None:
        self._next = self._first


class Relay:
    def __init__(self, relay_id: str, options: RelayOptions,
                 connect_db: Callable[[], pymysql.connections.Connection],
                 publisher: ConfirmingPublisher,
                 utcnow: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.relay_id = relay_id
        self._options = options
        self._connect_db = connect_db
        self._publisher = publisher
        self._utcnow = utcnow
        self._connection = None
        self._store: OutboxStore | None = None
        self._leases = PartitionLeases(None, relay_id, options.lease)
        self._idle = Backoff(IDLE_FIRST_SLEEP, max(options.max_idle_sleep, IDLE_FIRST_SLEEP))
        self._reconnect = Backoff(RECONNECT_FIRST_DELAY, RECONNECT_MAX_DELAY)
        self._unsettled: tuple[list[int], str] | None = None
        self._next_status = 0.0

    # -- the loop --------------------------------------------------------------------------

    def run(self, should_stop: Callable[[], bool]) -> None:
        log.info("relay %s starting", self.relay_id)
        while not should_stop():
            try:
                self._ensure_connected()
                if self._leases.maintain_if_due():
                    metrics.OWNED_PARTITIONS.set(len(self._leases.owned))
                self._refresh_status_if_due()
                published = self.relay_once()
            except DATABASE_ERRORS as exc:
                log.warning("database unavailable: %s", exc)
                self._drop_database()
                time.sleep(self._reconnect.next())
                continue
            except BrokerUnavailable as exc:
                log.warning("broker unavailable: %s", exc)
                self._publisher.close()
                time.sleep(self._reconnect.next())
                continue
            self._reconnect.reset()
            if published:
                self._idle.reset()
            else:
                self._publisher.idle(self._idle.next())
        self.shutdown()

    def relay_once(self) -> int:
        """Publish one batch; returns how many rows it settled (0 when there was no work)."""
        if self._unsettled:
            self._settle_processed(*self._unsettled)
        partitions = self._leases.current()
        if not partitions:
            return 0
        per_partition = min(self._options.batch_size,
                            -(-2 * self._options.batch_size // len(partitions)) + 8)
        head = self._store.partition_heads(partitions, per_partition)
        chosen = publishable(head, self._utcnow().replace(tzinfo=None), self._options.batch_size)
        if not chosen:
            return 0
        token = secrets.token_hex(16)
        claimed = self._store.claim(chosen, token, self.relay_id)
        messages, malformed = _messages(claimed)
        if malformed:
            self._park_malformed(malformed, token)
        if not messages:
            return len(malformed)
        outcome = self._publisher.publish_batch(list(messages.values()),
                                                self._options.confirm_timeout)
        by_event = {row.event_id: row for row in claimed}
        self._settle_processed([by_event[e].id for e in outcome.confirmed], token)
        self._record_confirmed([by_event[e] for e in outcome.confirmed])
        if outcome.refused:
            self._record_refused([Failure(by_event[e], why) for e, why in outcome.refused.items()],
                                 token)
        if outcome.unconfirmed:
            self._store.release([by_event[e].id for e in outcome.unconfirmed], token)
            metrics.FAILED.labels("broker_unavailable").inc(len(outcome.unconfirmed))
            raise BrokerUnavailable(f"{len(outcome.unconfirmed)} publishes unanswered")
        return len(claimed)

    # -- settling ----------------------------------------------------------------------------

    def _settle_processed(self, ids: list[int], token: str) -> None:
        self._unsettled = (ids, token)
        self._store.mark_processed(ids, token)
        self._unsettled = None

    def _record_confirmed(self, rows: list[OutboxRow]) -> None:
        if not rows:
            return
        metrics.BATCH_SIZE.observe(len(rows))
        now = self._utcnow().replace(tzinfo=None)
        for row in rows:
            metrics.PUBLISHED.labels(row.event_type).inc()
            metrics.LATENCY.observe((now - row.created_at).total_seconds())

    def _record_refused(self, failures: list[Failure], token: str) -> None:
        for failure in failures:
            log.warning("event %s (%s) refused by the broker: %s", failure.row.event_id,
                        failure.row.event_type, failure.error)
        metrics.FAILED.labels("refused").inc(len(failures))
        _retried, parked = self._store.record_failures(
            failures, token, self._utcnow().replace(tzinfo=None), self._options.max_attempts)
        if parked:
            log.error("%d events parked as dead after %d attempts", parked,
                      self._options.max_attempts)
            metrics.DEAD.inc(parked)

    def _park_malformed(self, failures: list[Failure], token: str) -> None:
        for failure in failures:
            log.error("event %s parked as dead: %s", failure.row.event_id, failure.error)
        metrics.FAILED.labels("malformed").inc(len(failures))
        metrics.DEAD.inc(self._store.park_dead(failures, token))

    # -- connections -------------------------------------------------------------------------

    def _ensure_connected(self) -> None:
        if self._connection is None:
            self._connection = self._connect_db()
            self._store = OutboxStore(self._connection)
            self._leases.reconnect(self._connection)
        if not self._publisher.connected:
            self._publisher.connect()

    def _drop_database(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # already broken; closing is a courtesy
                pass

    def _refresh_status_if_due(self) -> None:
        if time.monotonic() < self._next_status:
            return
        self._next_status = time.monotonic() + STATUS_EVERY_SECONDS
        status = self._store.status(self._options.lease)
        metrics.BACKLOG.set(status.unprocessed)
        metrics.OLDEST_AGE.set(status.oldest_unprocessed_age_seconds or 0)

    def shutdown(self) -> None:
        """Leave cleanly: settle what is confirmed, give the partitions back, disconnect."""
        try:
            if self._connection is None:
                self._ensure_connected()
            if self._unsettled:
                self._settle_processed(*self._unsettled)
            self._leases.release_all()
        except (*DATABASE_ERRORS, BrokerUnavailable) as exc:
            log.warning("could not release partitions on the way out: %s", exc)
        finally:
            self._publisher.close()
            self._drop_database()
        log.info("relay %s stopped", self.relay_id)


def new_relay_id(hostname: str, pid: int) -> str:
    return f"{hostname[:40]}:{pid}:{secrets.token_hex(3)}"


def _messages(rows: list[OutboxRow]) -> tuple[dict[str, Message], list[Failure]]:
    messages: dict[str, Message] = {}
    malformed: list[Failure] = []
    for row in rows:
        try:
            event = Event(row.event_id, row.event_type, row.school_id, row.aggregate_type,
                          row.aggregate_id, row.created_at, row.payload)
            event.validate()
        except MalformedEvent as exc:
            malformed.append(Failure(row, f"malformed: {exc}"))
            continue
        messages[row.event_id] = Message(
            message_id=row.event_id, routing_key=row.event_type, body=event.to_json(),
            timestamp=int(row.created_at.replace(tzinfo=timezone.utc).timestamp()))
    return messages, malformed
