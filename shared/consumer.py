"""The base of every event consumer: a service subclasses `Consumer` and writes `handle`.

The base owns everything else, the same way for every service: connecting to its database and
to RabbitMQ (and reconnecting with a capped back-off), its queue and dead-letter queue (see
shared.broker), prefetch, the inbox that makes handling idempotent by event id, acks, bounded
retries, dead-lettering, timing and metrics.

One delivery's fate:

- not a valid event (not JSON, fields missing, unknown type): dead-lettered with the reason;
- otherwise, in one transaction of the service's database: the event id goes into
  t_event_inbox (INSERT IGNORE), and only if it was not there yet `handle` runs; the
  transaction commits, and only then is the message acked. A redelivered event finds its
  inbox row and is acked without running `handle` again;
- a transient database error (connection lost, deadlock, lock wait timeout): rolled back and
  given back to the queue after a short back-off; after DELIVERY_LIMIT attempts, dead-lettered
  with the last error. A database that is known to be down is waited for before the next
  message is taken, so an outage does not use up attempts;
- `handle` raises MalformedEvent (the event is well-formed JSON but its content is unusable,
  e.g. a negative amount): rolled back and dead-lettered at once; retrying cannot help;
- any other exception from `handle`: rolled back, logged with the event id and attempt, given
  back the same way; after HANDLER_ATTEMPTS attempts, dead-lettered with the error.

Order: RabbitMQ delivers a queue in order to its one active consumer (SINGLE_ACTIVE_CONSUMER:
other workers stand by), and a message given back is the next one delivered. With PREFETCH = 1
the events of one registration are therefore handled in the order they were committed, retries
and failovers included.

The base is written in three parts: this module (the definition, the loop, connections and
one delivery), shared.consumer_failures (a failed delivery given back or dead-lettered) and
shared.consumer_batches (BATCH_SIZE > 1).
"""

from __future__ import annotations

import logging
import os
import re
import socket
import threading
import time
from typing import ClassVar

import pika.exceptions

from shared import db, worker
from shared.backoff import Backoff
from shared.broker import ConsumerChannel, Delivery
from shared.broker_nodes import NodeRotation
from shared.config import SERVICE_DATABASES, Settings
from shared.config_error import ConfigError
from shared.consumer_batches import BatchSettling
from shared.consumer_failures import FailureSettling
from shared.consumer_metrics import EVENTS, HANDLING_SECONDS, RECONNECTS, Outcome, event_type_label
from shared.event_inbox import record_in_inbox, require_inbox
from shared.events import Event
from shared.queues import topology_of
from shared.worker import DATABASE_ERRORS, close_quietly

log = logging.getLogger(__name__)

BROKER_ERRORS = (pika.exceptions.AMQPError,)

# What a consumer's name may be: it names queues and fills t_event_inbox.consumer (64 chars).
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,47}")


class Consumer(FailureSettling, BatchSettling):
    """Subclass with NAME, BINDINGS and SERVICE_DB, and implement `handle`."""

    NAME: ClassVar[str]  # e.g. "kpi": names the queue and the inbox rows
    BINDINGS: ClassVar[tuple[str, ...]]  # topic patterns, e.g. ("selfreg.#", "invoice.#")
    SERVICE_DB: ClassVar[str]  # whose database: a Settings.database() service name

    # One message in hand at a time: a message given back after a failure is then the next one
    # delivered, so retries never reorder a registration's events. A consumer that does not
    # care about order may raise it to hide the broker round trip between messages.
    PREFETCH: ClassVar[int] = 1
    # A handler that raised this many times on one event will not get better by itself: the
    # event goes to the dead queue for a person to look at. Five tries ride out a flaky moment.
    HANDLER_ATTEMPTS: ClassVar[int] = 5
    # Returns the broker allows before it dead-letters a message by itself (x-delivery-limit,
    # part of the queue's declaration): the net for a message that kills its consumer. Transient
    # database errors get this many attempts: with the back-off below, over a minute.
    DELIVERY_LIMIT: ClassVar[int] = 20
    # Wait before giving a failed message back, doubling per attempt: an immediate retry would
    # meet the same deadlock or the same missing row.
    RETRY_FIRST_DELAY: ClassVar[float] = 0.2
    RETRY_MAX_DELAY: ClassVar[float] = 5.0
    # Reconnecting to a lost database or broker: the runtime's back-off (shared.worker).
    RECONNECT_FIRST_DELAY: ClassVar[float] = worker.RECONNECT_FIRST_DELAY
    RECONNECT_MAX_DELAY: ClassVar[float] = worker.RECONNECT_MAX_DELAY
    # Longest wait for a delivery before looking at the stop flag and the database again.
    IDLE_POLL_SECONDS: ClassVar[float] = 1.0
    # Deliveries handled in one transaction. 1: one message per transaction, in order. More
    # saves a commit and an ack per message, for consumers whose effects do not depend on the
    # order of events (see `handle_batch`); the prefetch is raised to match.
    BATCH_SIZE: ClassVar[int] = 1
    # Once a batch's first delivery is in, how long to wait for more before handling what has
    # come: enough for a prefetch window to arrive, short enough that a trickle is not held up.
    BATCH_FILL_SECONDS: ClassVar[float] = 0.02
    # The queue delivers to one worker at a time, a second one standing by to take over with
    # what the first held unacked ahead of anything newer: order kept through any failover.
    # Off only for handlers whose effects do not depend on order, so workers can share a queue.
    SINGLE_ACTIVE_CONSUMER: ClassVar[bool] = True

    def __init__(self, settings: Settings):
        self._check_definition()
        self.settings = settings
        self.topology = topology_of(settings, type(self))
        self._channel = ConsumerChannel(
            NodeRotation(settings.amqp_urls),
            self._connection_name(),
            self.topology,
            max(self.PREFETCH, self.BATCH_SIZE),
            self.NAME,
            heartbeat=settings.broker.heartbeat_seconds,
        )
        self._db = None
        self._reconnect = Backoff(self.RECONNECT_FIRST_DELAY, self.RECONNECT_MAX_DELAY)
        self._stopping = threading.Event()

    @property
    def name(self) -> str:
        return f"consumer {self.NAME}"

    def handle(self, event: Event, cursor) -> None:
        """Apply the event, inside the consumer's transaction (`cursor` belongs to it).

        Runs once per event id; raise to have the event retried, then dead-lettered (raise
        MalformedEvent for content that no retry can fix: it is dead-lettered at once).
        """
        raise NotImplementedError

    # handle_batch, for BATCH_SIZE > 1: shared.consumer_batches.

    def committed(self) -> None:
        """Called once a transaction that handled new events has committed (a batch's, or one
        event's): where another part of the process acts on what the handlers wrote, it can
        start at once instead of at its next look. Nothing by default."""

    # -- the loop -----------------------------------------------------------------------------

    def run(self, stopping: threading.Event) -> None:
        """Consume until `stopping` is set; the message in hand is always finished."""
        self._stopping = stopping
        log.info("consumer %s starting on queue %s", self.NAME, self.topology.queue)
        try:
            while not stopping.is_set():
                self._run_once()
        finally:
            self.close()
        log.info("consumer %s stopped", self.NAME)

    def _run_once(self) -> None:
        try:
            self._connect_if_needed()
            if self.BATCH_SIZE > 1:
                deliveries = self._channel.next_deliveries(
                    self.BATCH_SIZE, self.IDLE_POLL_SECONDS, self.BATCH_FILL_SECONDS
                )
                if deliveries:
                    self._settle_batch(deliveries)
            else:
                delivery = self._channel.next_delivery(self.IDLE_POLL_SECONDS)
                if delivery is not None:
                    self._settle(delivery)
        except DATABASE_ERRORS as exc:
            log.warning("consumer %s: database unavailable: %s", self.NAME, exc)
            self._drop_database()
            self._wait_to_reconnect("database")
            return
        except BROKER_ERRORS as exc:
            log.warning(
                "consumer %s: broker unavailable at %s: %r", self.NAME, self._channel.node, exc
            )
            # A lost node is not waited for: the next attempt goes to the next node.
            self._channel.fail_over()
            self._wait_to_reconnect("broker")
            return
        self._reconnect.reset()

    def _connect_if_needed(self) -> None:
        # The database first: with it down there is no point in taking deliveries.
        if self._db is None:
            self._db = db.connect(self.settings, self.SERVICE_DB)
            require_inbox(self._db, self.settings.database(self.SERVICE_DB))
        else:
            # One round trip per message: a dead connection is replaced before a message is
            # tried, so an outage between messages costs the message no attempt.
            self._db.ping(reconnect=False)
        if not self._channel.connected:
            self._channel.open()

    # -- one delivery -------------------------------------------------------------------------

    def _settle(self, delivery: Delivery) -> None:
        started = time.monotonic()
        event = self._decode(delivery, started)
        if event is not None:
            self._observe(event.event_type, self._handle_in_transaction(event, delivery), started)

    def _decode(self, delivery: Delivery, started: float) -> Event | None:
        """The delivery's event; None when it is not one (then it is dead-lettered)."""
        try:
            return Event.from_json(delivery.body)
        except Exception as exc:  # whatever decoding raises, the body is at fault
            log.error(
                "consumer %s: message %s is not a valid event, dead-lettered: %s",
                self.NAME,
                delivery.message_id,
                exc,
            )
            outcome = self._dead_letter(delivery, f"malformed event: {exc}")
            self._observe(event_type_label(delivery.routing_key), outcome, started)
            return None

    def _observe(self, event_type: str, outcome: Outcome, started: float) -> None:
        EVENTS.labels(self.NAME, event_type, outcome.value).inc()
        HANDLING_SECONDS.labels(self.NAME, event_type).observe(time.monotonic() - started)

    def _database(self):
        """The open connection; a lost one is opened again (failing as a transient error)."""
        if self._db is None:
            self._db = db.connect(self.settings, self.SERVICE_DB)
        return self._db

    # -- one event in its own transaction -----------------------------------------------------

    def _handle_in_transaction(self, event: Event, delivery: Delivery) -> Outcome:
        try:
            with db.transaction(self._database()) as cursor:
                first_time = record_in_inbox(cursor, self.NAME, event)
                if first_time:
                    self.handle(event, cursor)
        except Exception as exc:  # every failure is retried, then dead-lettered
            return self._after_failure(event, delivery, exc)
        if first_time:
            self.committed()
        # Acked only now that the effect is committed; if the ack is lost, the redelivery
        # finds the inbox row and changes nothing.
        self._channel.ack(delivery)
        return Outcome.HANDLED if first_time else Outcome.DUPLICATE

    # -- connections --------------------------------------------------------------------------

    def _wait_to_reconnect(self, server: str) -> None:
        RECONNECTS.labels(self.NAME, server).inc()
        self._pause(self._reconnect.next())

    def _pause(self, seconds: float) -> None:
        """Wait, serving the broker's heartbeats if connected, and cut short by a stop."""
        worker.pause(self._stopping, seconds, serve=self._serve_broker)

    def _serve_broker(self, seconds: float) -> None:
        if self._channel.connected:
            try:
                self._channel.sleep(seconds)
                return
            except BROKER_ERRORS:
                self._channel.fail_over()  # noticed while waiting; reconnected next round
        self._stopping.wait(seconds)

    def _drop_database(self) -> None:
        connection, self._db = self._db, None
        close_quietly(connection)

    def close(self) -> None:
        """Disconnect; an unacked delivery goes back to the queue."""
        self._channel.close()
        self._drop_database()

    # -- definition checks --------------------------------------------------------------------

    def _connection_name(self) -> str:
        return f"edquill-{self.NAME}-consumer@{socket.gethostname()}:{os.getpid()}"

    @classmethod
    def _check_definition(cls) -> None:
        """Fail at start-up, naming the constant, on a consumer that is defined wrong."""
        name = getattr(cls, "NAME", None)
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ConfigError(f"{cls.__name__}.NAME must match {_NAME.pattern}, got {name!r}")
        bindings = getattr(cls, "BINDINGS", ())
        if isinstance(bindings, str) or not bindings:
            raise ConfigError(f"{cls.__name__}.BINDINGS must be a non-empty tuple of patterns")
        if getattr(cls, "SERVICE_DB", None) not in SERVICE_DATABASES:
            raise ConfigError(f"{cls.__name__}.SERVICE_DB must be one of {SERVICE_DATABASES}")
        if cls.PREFETCH < 1:
            raise ConfigError(f"{cls.__name__}.PREFETCH must be at least 1")
        if cls.BATCH_SIZE < 1:
            raise ConfigError(f"{cls.__name__}.BATCH_SIZE must be at least 1")
        if not 1 <= cls.HANDLER_ATTEMPTS <= cls.DELIVERY_LIMIT:
            # Past DELIVERY_LIMIT the broker dead-letters on its own, without our reason.
            raise ConfigError(
                f"{cls.__name__}.HANDLER_ATTEMPTS must be between 1 and "
                f"DELIVERY_LIMIT ({cls.DELIVERY_LIMIT})"
            )
