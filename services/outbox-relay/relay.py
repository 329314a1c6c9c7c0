"""The relay loop: claim a batch, publish it with confirms, settle each row.

The loop is a two-stage pipeline: while the broker confirms the batch in flight, the relay
reads and claims the next one from MySQL, so neither waits for the other. The next batch
leaves out every aggregate with a row in flight, so an aggregate's events still go out one
confirmed step at a time, in order. The loop polls again at once while there is work and backs
off, doubling from IDLE_FIRST_SLEEP up to the configured cap, while there is none.

What a failed publish costs the event:

- the broker is unavailable (cannot connect, connection lost before the confirm, a nack: the
  broker could not take the message just now): nothing. The claim is released, the relay
  backs off and reconnects, and the row goes out once the broker is back;
- the broker refused the message for itself (returned: no queue is bound for its routing
  key): one attempt. The row is retried after a growing delay and parked dead after
  max_attempts;
- the row cannot be made into a message at all (malformed: bad payload, unknown type, an
  event id that is not a UUID, a payload that cannot be serialised, a body larger than the
  broker takes): parked dead on first sight.

A dead row holds back the later events of its aggregate (see ordering.held_behind_dead) until
`edquill outbox dead replay` or `dead skip` says what to do; other aggregates flow on.
"""
from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

import pymysql

from outbox_relay import metrics
from outbox_relay.leases import PartitionLeases
from outbox_relay.ordering import OutboxRow, held_behind_dead, publishable
from outbox_relay.publisher import BatchOutcome, BrokerUnavailable, ConfirmingPublisher, Message
from outbox_relay.store import Failure, OutboxStore
from shared.events import Event, MalformedEvent

log = logging.getLogger(__name__)

# The first idle poll comes this soon after the last event: at a steady trickle, the next
# event is usually already there, and a few ms of sleep cost no latency worth mentioning.
IDLE_FIRST_SLEEP = 0.001
# Reconnecting to a lost database or broker starts at RECONNECT_FIRST_DELAY and doubles up to
# RECONNECT_MAX_DELAY: quick after a blip, gentle during an outage. The broker's back-off is
# reset only by a confirmed publish, not by a connection that opens: a broker that takes the
# connection but nacks every publish is still an outage.
RECONNECT_FIRST_DELAY = 0.2
RECONNECT_MAX_DELAY = 10.0
# Backlog and oldest-age gauges are refreshed this often; the query reads an index, but there
# is no need to run it every poll.
STATUS_EVERY_SECONDS = 5.0
# Each owned partition's head is read up to this multiple of its fair part of a batch (plus a
# little): busy registrations skipped for this batch must not leave the batch short, but every
# extra row read is wasted work when the backlog is deep.
HEAD_OVERFETCH = 1.25
HEAD_SLACK_ROWS = 8
# RabbitMQ closes the channel on a message larger than its max_message_size (16 MiB by default
# since 4.0), which the relay would take for an outage and retry forever, stalling everything
# behind it: a body larger than this is parked as dead instead.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024

DATABASE_ERRORS = (pymysql.err.OperationalError, pymysql.err.InterfaceError)


@dataclass(frozen=True)
class RelayOptions:
    # Confirms cost about the same per batch whatever its size (one disk sync on the broker),
    # so a deep backlog drains fastest in big batches; at a trickle, batches are small anyway.
    batch_size: int = 1000
    max_idle_sleep: float = 0.05
    lease: timedelta = timedelta(seconds=15)
    # A row the broker refused (unroutable) this many times is parked as dead (about a minute
    # of retries); outages and nacks do not count.
    max_attempts: int = 8
    confirm_timeout: float = 10.0


@dataclass
class Batch:
    """Rows claimed under one token, and the messages made of them."""
    token: str
    rows: dict[str, OutboxRow] = field(default_factory=dict)   # by event id
    messages: list[Message] = field(default_factory=list)

    @property
    def aggregates(self) -> set[tuple[str, int]]:
        return {row.aggregate for row in self.rows.values()}


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
        self._database_backoff = Backoff(RECONNECT_FIRST_DELAY, RECONNECT_MAX_DELAY)
        self._broker_backoff = Backoff(RECONNECT_FIRST_DELAY, RECONNECT_MAX_DELAY)
        self._in_flight: Batch | None = None
        self._unsettled: tuple[list[int], str] | None = None
        self._next_status = 0.0

    # -- the loop --------------------------------------------------------------------------

    def run(self, should_stop: Callable[[], bool]) -> None:
        log.info("relay %s starting", self.relay_id)
        while not should_stop():
            try:
                self._ensure_connected()
                self._maintain_leases_if_due()
                self._refresh_status_if_due()
                moved = self.relay_once()
            except DATABASE_ERRORS as exc:
                log.warning("database unavailable: %s", exc)
                self._abandon_in_flight()
                self._drop_database()
                time.sleep(self._database_backoff.next())
                continue
            except BrokerUnavailable as exc:
                log.warning("broker unavailable: %s", exc)
                self._abandon_in_flight()
                self._publisher.close()
                time.sleep(self._broker_backoff.next())
                continue
            self._database_backoff.reset()
            if moved:
                self._idle.reset()
            else:
                self._publisher.idle(self._idle.next())
        self.shutdown()

    def relay_once(self) -> int:
        """One turn of the pipeline; returns how many rows moved (0: nothing to do)."""
        if self._unsettled:
            self._settle_processed(*self._unsettled)
        in_flight, self._in_flight = self._in_flight, None
        try:
            upcoming = self._claim_next(in_flight)
        except BaseException:
            self._in_flight = in_flight
            raise
        moved = 0
        if in_flight is not None:
            moved += self._settle(in_flight, self._publisher.wait_for_confirms(
                self._options.confirm_timeout), also_release=upcoming)
        if upcoming is not None:
            if upcoming.messages:
                self._publisher.send(upcoming.messages)
                self._in_flight = upcoming
            moved += len(upcoming.rows)
        return moved

    def drain(self) -> int:
        """Wait for the batch in flight and settle it (before leases change hands)."""
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is None:
            return 0
        return self._settle(in_flight, self._publisher.wait_for_confirms(
            self._options.confirm_timeout))

    # -- claiming ----------------------------------------------------------------------------

    def _claim_next(self, in_flight: Batch | None) -> Batch | None:
        partitions = self._leases.current()
        if not partitions:
            return None
        per_partition = min(self._options.batch_size, HEAD_SLACK_ROWS + int(
            HEAD_OVERFETCH * self._options.batch_size / len(partitions)))
        head = self._store.partition_heads(partitions, per_partition,
                                           in_flight.token if in_flight else None)
        if not head:
            return None
        free, held = held_behind_dead(head, self._store.first_dead_by_aggregate(partitions))
        if held:
            self._hold(held)
        chosen = publishable(free, self._utcnow().replace(tzinfo=None), self._options.batch_size,
                             in_flight=in_flight.aggregates if in_flight else ())
        if not chosen:
            return None
        batch = Batch(secrets.token_hex(16))
        claimed = self._store.claim(chosen, batch.token, self.relay_id)
        malformed: list[Failure] = []
        for row in claimed:
            try:
                batch.messages.append(message_for(row))
            except MalformedEvent as exc:
                malformed.append(Failure(row, f"malformed: {exc}"))
                continue
            batch.rows[row.event_id] = row
        if malformed:
            self._park_malformed(malformed, batch.token)
        return batch if (batch.rows or malformed) else None

    # -- settling ----------------------------------------------------------------------------

    def _settle(self, batch: Batch, outcome: BatchOutcome, also_release: Batch | None = None,
                ) -> int:
        rows = batch.rows
        if outcome.confirmed:
            self._broker_backoff.reset()
        self._settle_processed([rows[e].id for e in outcome.confirmed], batch.token)
        self._record_confirmed([rows[e] for e in outcome.confirmed])
        if outcome.refused:
            self._record_refused([Failure(rows[e], why) for e, why in outcome.refused.items()],
                                 batch.token)
        given_back = outcome.nacked + outcome.unconfirmed
        if given_back:
            # The broker's state, not the events' fault: no attempt is counted. The next batch,
            # claimed meanwhile, is given back too, so nothing overtakes a row given back.
            self._store.release([rows[e].id for e in given_back], batch.token)
            if also_release is not None:
                self._store.release([row.id for row in also_release.rows.values()],
                                    also_release.token)
            metrics.FAILED.labels("broker_nack").inc(len(outcome.nacked))
            metrics.FAILED.labels("broker_unavailable").inc(len(outcome.unconfirmed))
            raise BrokerUnavailable(f"{len(outcome.nacked)} publishes nacked, "
                                    f"{len(outcome.unconfirmed)} unanswered")
        return len(rows)

    def _settle_processed(self, ids: list[int], token: str) -> None:
        # Remembered until written: if the database drops now, the next turn writes it again.
        self._unsettled = (ids, token)
        self._store.mark_processed(ids, token)
        self._unsettled = None

    def _abandon_in_flight(self) -> None:
        """Forget the batch in flight after an outage: its rows stay claimed by a token no one
        will settle, and are published again once this relay (or the partition's next owner)
        reads them: at least once, never lost."""
        self._in_flight = None

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

    def _hold(self, rows: list[OutboxRow]) -> None:
        held = self._store.hold(rows)
        if held:
            log.warning("%d events held back behind a dead event of their registration", held)

    def _park_malformed(self, failures: list[Failure], token: str) -> None:
        for failure in failures:
            log.error("event %s parked as dead: %s", failure.row.event_id, failure.error)
        metrics.FAILED.labels("malformed").inc(len(failures))
        metrics.DEAD.inc(self._store.park_dead(failures, token))

    # -- connections and housekeeping ------------------------------------------------------

    def _ensure_connected(self) -> None:
        if self._connection is None:
            self._connection = self._connect_db()
            self._store = OutboxStore(self._connection)
            self._leases.reconnect(self._connection)
        if not self._publisher.connected:
            self._publisher.connect()

    def _maintain_leases_if_due(self) -> None:
        if not self._leases.due():
            return
        # Partitions may change hands now: nothing of ours may still be in flight.
        self.drain()
        self._leases.maintain()
        metrics.OWNED_PARTITIONS.set(len(self._leases.owned))

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
        self._store.release_orphaned_holds(self._leases.current())
        status = self._store.status(self._options.lease)
        metrics.BACKLOG.set(status.unprocessed)
        metrics.OLDEST_AGE.set(status.oldest_unprocessed_age_seconds or 0)
        metrics.DEAD_NOW.set(status.dead)
        metrics.HELD_NOW.set(status.held)
        metrics.STUCK_NOW.set(status.stuck)

    def shutdown(self) -> None:
        """Leave cleanly: settle the batch in flight, give the partitions back, disconnect."""
        try:
            if self._connection is None or not self._publisher.connected:
                self._ensure_connected()
            if self._unsettled:
                self._settle_processed(*self._unsettled)
            self.drain()
            self._leases.release_all()
        except (*DATABASE_ERRORS, BrokerUnavailable) as exc:
            log.warning("could not settle and release on the way out: %s", exc)
        finally:
            self._publisher.close()
            self._drop_database()
        log.info("relay %s stopped", self.relay_id)


def new_relay_id(hostname: str, pid: int) -> str:
    return f"{hostname[:40]}:{pid}:{secrets.token_hex(3)}"


def message_for(row: OutboxRow) -> Message:
    """The AMQP message for an outbox row; raises MalformedEvent for a row no one could use."""
    event = Event(row.event_id, row.event_type, row.school_id, row.aggregate_type,
                  row.aggregate_id, row.created_at, row.payload)
    event.validate()
    try:
        body = event.to_json()
    except (TypeError, ValueError) as exc:
        raise MalformedEvent(f"payload cannot be serialised: {exc}") from None
    if len(body) > MAX_MESSAGE_BYTES:
        raise MalformedEvent(f"message of {len(body)} bytes is larger than the broker takes "
                             f"({MAX_MESSAGE_BYTES} bytes)")
    return Message(message_id=row.event_id, routing_key=row.event_type, body=body,
                   timestamp=int(row.created_at.replace(tzinfo=timezone.utc).timestamp()))
