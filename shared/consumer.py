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
- any other exception from `handle`: rolled back, logged with the event id and attempt, given
  back the same way; after HANDLER_ATTEMPTS attempts, dead-lettered with the error.

Order: RabbitMQ delivers a queue in order to its one consumer, and a message given back is the
next one delivered. With PREFETCH = 1 and one worker per queue, the events of one registration
are therefore handled in the order they were committed, retries included.
"""
from __future__ import annotations

import logging
import os
import re
import signal
import socket
import threading
import time
import uuid
from enum import Enum
from typing import Callable, ClassVar

import pika.exceptions
import pymysql
from prometheus_client import Counter, Histogram

from shared import db
from shared.broker import ConsumerChannel, ConsumerTopology, Delivery, connection_parameters
from shared.config import SERVICE_DATABASES, ConfigError, Settings
from shared.events import CATALOGUE, Event

log = logging.getLogger(__name__)

EVENTS = Counter("edquill_consumer_events_total", "Deliveries settled, by how they ended",
                 ["consumer", "event_type", "outcome"])
HANDLING_SECONDS = Histogram(
    "edquill_consumer_handling_seconds", "From taking a delivery to settling it",
    ["consumer", "event_type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
RECONNECTS = Counter("edquill_consumer_reconnects_total",
                     "Connections lost (or refused) and opened again", ["consumer", "server"])

BROKER_ERRORS = (pika.exceptions.AMQPError,)
DATABASE_ERRORS = (pymysql.err.OperationalError, pymysql.err.InterfaceError)
# Server errors that say "try again" rather than "the handler is wrong".
RETRYABLE_SERVER_ERRORS = frozenset({
    1040,  # too many connections
    1053,  # server shutting down
    1205,  # lock wait timeout
    1213,  # deadlock
    1927,  # connection killed (MariaDB)
})

# What a consumer's name may be: it names queues and fills t_event_inbox.consumer (64 chars).
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,47}")


class Outcome(str, Enum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    DEAD_LETTERED = "dead_lettered"
    RETRIED = "retried"


def is_transient_database_error(exc: BaseException) -> bool:
    """True for errors that a later attempt may not meet: lost connections, lock conflicts."""
    if isinstance(exc, pymysql.err.InterfaceError):
        return True
    if not isinstance(exc, pymysql.err.OperationalError) or not exc.args:
        return False
    code = exc.args[0]
    # 2000-2999 are the client's own errors: cannot connect, server gone, connection lost.
    return code in RETRYABLE_SERVER_ERRORS or (isinstance(code, int) and 2000 <= code < 3000)


def backoff_delay(attempt: int, first: float, cap: float) -> float:
    """The wait after failed attempt number `attempt` (1-based): doubling from first to cap."""
    return min(first * 2 ** max(attempt - 1, 0), cap)


def event_type_label(routing_key: str) -> str:
    """A metrics label for a delivery that is not a valid event: bounded to the catalogue."""
    return routing_key if routing_key in CATALOGUE else "unknown"


def record_in_inbox(cursor, consumer: str, event: Event) -> bool:
    """Note the event as handled by `consumer`; False if it already was (a redelivery)."""
    # The canonical spelling, so one UUID written two ways is still one event.
    event_id = str(uuid.UUID(event.event_id))
    return cursor.execute(
        "INSERT IGNORE INTO t_event_inbox (consumer, event_id, event_type, handled_at) "
        "VALUES (%s, %s, %s, UTC_TIMESTAMP(6))", (consumer, event_id, event.event_type)) == 1


def require_inbox(connection, database: str) -> None:
    """Stop at start-up when the inbox is missing, rather than dead-letter every message."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM t_event_inbox LIMIT 0")
    except pymysql.err.ProgrammingError:
        raise ConfigError(f"database {database} has no t_event_inbox: "
                          "run `edquill migrate`") from None


class Consumer:
    """Subclass with NAME, BINDINGS and SERVICE_DB, and implement `handle`."""

    NAME: ClassVar[str]                 # e.g. "kpi": names the queue and the inbox rows
    BINDINGS: ClassVar[tuple[str, ...]]  # topic patterns, e.g. ("selfreg.#", "invoice.#")
    SERVICE_DB: ClassVar[str]           # whose database: a Settings.database() service name

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
    # Reconnecting to a lost database or broker: quick after a blip, gentle during an outage.
    RECONNECT_FIRST_DELAY: ClassVar[float] = 0.2
    RECONNECT_MAX_DELAY: ClassVar[float] = 10.0
    # Longest wait for a delivery before looking at the stop flag and the database again.
    IDLE_POLL_SECONDS: ClassVar[float] = 1.0

    def __init__(self, settings: Settings):
        self._check_definition()
        self.settings = settings
        self.topology = ConsumerTopology.of(settings.exchange, self.NAME, self.BINDINGS,
                                            self.DELIVERY_LIMIT)
        self._channel = ConsumerChannel(
            connection_parameters(settings.amqp_url, self._connection_name()),
            self.topology, self.PREFETCH, self.NAME)
        self._db = None
        self._reconnect_attempts = 0
        self._should_stop: Callable[[], bool] = lambda: False

    def handle(self, event: Event, cursor) -> None:
        """Apply the event, inside the consumer's transaction (`cursor` belongs to it).

        Runs once per event id; raise to have the event retried, then dead-lettered.
        """
        raise NotImplementedError

    # -- the loop -----------------------------------------------------------------------------

    def run(self, should_stop: Callable[[], bool]) -> None:
        """Consume until should_stop() is true; the message in hand is always finished."""
        self._should_stop = should_stop
        log.info("consumer %s starting on queue %s", self.NAME, self.topology.queue)
        try:
            while not should_stop():
                self._run_once()
        finally:
            self.close()
        log.info("consumer %s stopped", self.NAME)

    def _run_once(self) -> None:
        try:
            self._connect_if_needed()
            delivery = self._channel.next_delivery(self.IDLE_POLL_SECONDS)
            if delivery is not None:
                self._settle(delivery)
        except DATABASE_ERRORS as exc:
            log.warning("consumer %s: database unavailable: %s", self.NAME, exc)
            self._drop_database()
            self._wait_to_reconnect("database")
            return
        except BROKER_ERRORS as exc:
            log.warning("consumer %s: broker unavailable: %r", self.NAME, exc)
            self._channel.close()
            self._wait_to_reconnect("broker")
            return
        self._reconnect_attempts = 0

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
        try:
            event = Event.from_json(delivery.body)
        except Exception as exc:  # whatever decoding raises, the body is at fault
            event_type = event_type_label(delivery.routing_key)
            log.error("consumer %s: message %s is not a valid event, dead-lettered: %s",
                      self.NAME, delivery.message_id, exc)
            outcome = self._dead_letter(delivery, f"malformed event: {exc}")
        else:
            event_type = event.event_type
            outcome = self._handle_in_transaction(event, delivery)
        EVENTS.labels(self.NAME, event_type, outcome.value).inc()
        HANDLING_SECONDS.labels(self.NAME, event_type).observe(time.monotonic() - started)

    def _handle_in_transaction(self, event: Event, delivery: Delivery) -> Outcome:
        try:
            with db.transaction(self._db) as cursor:
                first_time = record_in_inbox(cursor, self.NAME, event)
                if first_time:
                    self.handle(event, cursor)
        except Exception as exc:  # every failure is retried, then dead-lettered
            return self._after_failure(event, delivery, exc)
        # Acked only now that the effect is committed; if the ack is lost, the redelivery
        # finds the inbox row and changes nothing.
        self._channel.ack(delivery)
        return Outcome.HANDLED if first_time else Outcome.DUPLICATE

    def _after_failure(self, event: Event, delivery: Delivery, exc: Exception) -> Outcome:
        attempt = delivery.attempt
        if is_transient_database_error(exc):
            self._drop_database()
            limit, kind = self.DELIVERY_LIMIT, "transient database error"
            log.warning("consumer %s: event %s (%s) attempt %d of %d: %s: %s", self.NAME,
                        event.event_id, event.event_type, attempt, limit, kind, exc)
        else:
            limit, kind = self.HANDLER_ATTEMPTS, "handler failed"
            log.exception("consumer %s: event %s (%s) attempt %d of %d: %s", self.NAME,
                          event.event_id, event.event_type, attempt, limit, kind)
        if attempt >= limit:
            reason = f"{kind} after {attempt} attempts: {type(exc).__name__}: {exc}"
            log.error("consumer %s: event %s dead-lettered: %s", self.NAME, event.event_id,
                      reason)
            return self._dead_letter(delivery, reason)
        self._pause(backoff_delay(attempt, self.RETRY_FIRST_DELAY, self.RETRY_MAX_DELAY))
        self._channel.give_back(delivery)
        return Outcome.RETRIED

    def _dead_letter(self, delivery: Delivery, reason: str) -> Outcome:
        self._channel.dead_letter(delivery, reason, attempts=delivery.attempt)
        return Outcome.DEAD_LETTERED

    # -- connections --------------------------------------------------------------------------

    def _wait_to_reconnect(self, server: str) -> None:
        self._reconnect_attempts += 1
        RECONNECTS.labels(self.NAME, server).inc()
        self._pause(backoff_delay(self._reconnect_attempts, self.RECONNECT_FIRST_DELAY,
                                  self.RECONNECT_MAX_DELAY))

    def _pause(self, seconds: float) -> None:
        """Wait, serving the broker's heartbeats if connected, and cut short by a stop."""
        deadline = time.monotonic() + seconds
        while not self._should_stop():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            step = min(left, 0.25)
            if self._channel.connected:
                try:
                    self._channel.sleep(step)
                    continue
                except BROKER_ERRORS:
                    self._channel.close()  # noticed while waiting; reconnected next round
            time.sleep(step)

    def _drop_database(self) -> None:
        connection, self._db = self._db, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # already broken; closing is a courtesy
                pass

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
        if not 1 <= cls.HANDLER_ATTEMPTS <= cls.DELIVERY_LIMIT:
            # Past DELIVERY_LIMIT the broker dead-letters on its own, without our reason.
            raise ConfigError(f"{cls.__name__}.HANDLER_ATTEMPTS must be between 1 and "
                              f"DELIVERY_LIMIT ({cls.DELIVERY_LIMIT})")


def run_until_signalled(consumer: Consumer) -> None:
    """Run a consumer until SIGTERM or SIGINT (the `edquill <service> worker` commands).

    The message in hand is finished and acked first. Call from the main thread: only it may
    install signal handlers.
    """
    stopping = threading.Event()

    def request_stop(signum, _frame) -> None:
        log.info("consumer %s: %s received, stopping after the message in hand",
                 consumer.NAME, signal.Signals(signum).name)
        stopping.set()

    previous = {signum: signal.signal(signum, request_stop)
                for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        consumer.run(stopping.is_set)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
