"""Consumers of the tests' own on the real servers: a consumer that records each effect it
commits, run in a thread, and its queues seen from the broker's side."""

from __future__ import annotations

import secrets
import threading
import time
from typing import Callable

import pika
from prometheus_client import REGISTRY

from shared import db
from shared.broker import ConsumerTopology
from shared.config import Settings
from shared.consumer import Consumer
from shared.events import Event

# Called inside the handler's transaction after the effect row is written:
# (event, cursor, how many times this consumer has been handed this event so far).
Behaviour = Callable[[Event, object, int], None]


class EffectTable:
    """A table in the kpi database with one row per handler effect that committed."""

    def __init__(self, settings: Settings, name: str | None = None):
        self._settings = settings
        # A table name cannot be a bound parameter; ours are made of hex digits only.
        self.name = name or f"t_test_effect_{secrets.token_hex(4)}"

    def create(self) -> "EffectTable":
        self._execute(
            f"CREATE TABLE `{self.name}` (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
            "event_id CHAR(36) NOT NULL, event_type VARCHAR(64) NOT NULL, "
            "aggregate_id BIGINT NOT NULL) ENGINE=InnoDB"
        )
        return self

    def drop(self) -> None:
        self._execute(f"DROP TABLE IF EXISTS `{self.name}`")

    def event_ids(self) -> list[str]:
        """Event ids of the committed effects, in the order they were written."""
        rows = self._execute(f"SELECT event_id FROM `{self.name}` ORDER BY id")
        return [row["event_id"] for row in rows]

    def count(self, event_id: str) -> int:
        return self.event_ids().count(event_id)

    def _execute(self, sql: str, params=()) -> list[dict]:
        connection = db.connect(self._settings, "kpi")
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return list(cursor.fetchall())
        finally:
            connection.close()


class RecordingConsumer(Consumer):
    """Writes one effect row per event it handles; `behaviour` can then make it fail."""

    SERVICE_DB = "kpi"
    BINDINGS = ("selfreg.#", "invoice.#")
    # Tests wait for retries and reconnects; these keep them to a fraction of a second.
    RETRY_FIRST_DELAY = 0.05
    RETRY_MAX_DELAY = 0.2
    RECONNECT_FIRST_DELAY = 0.05
    RECONNECT_MAX_DELAY = 0.5
    IDLE_POLL_SECONDS = 0.2

    def __init__(
        self, settings: Settings, effects: EffectTable, behaviour: Behaviour | None = None
    ):
        super().__init__(settings)
        self.effects = effects
        self.behaviour = behaviour
        self.calls: list[str] = []  # the event id of each call to handle, in order

    def handle(self, event: Event, cursor) -> None:
        self.calls.append(event.event_id)
        cursor.execute(
            f"INSERT INTO `{self.effects.name}` (event_id, event_type, aggregate_id) "
            "VALUES (%s, %s, %s)",
            (event.event_id, event.event_type, event.aggregate_id),
        )
        if self.behaviour is not None:
            self.behaviour(event, cursor, self.calls.count(event.event_id))


def recording_consumer_class(name: str, **constants) -> type[RecordingConsumer]:
    """A RecordingConsumer subclass with its own NAME (so its own queue) and knobs."""
    return type(f"RecordingConsumer_{name}", (RecordingConsumer,), {"NAME": name, **constants})


class ConsumerThread:
    """Runs a consumer in a thread of its own (its connections live and die in that thread)."""

    def __init__(self, consumer: Consumer):
        self.consumer = consumer
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, daemon=True, name=f"consumer-{consumer.NAME}"
        )

    def start(self) -> "ConsumerThread":
        self._thread.start()
        return self

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 20) -> None:
        """Ask it to stop, wait, and re-raise whatever ended it early."""
        self._stop.set()
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"consumer {self.consumer.NAME} did not stop"
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            self.consumer.run(self._stop)
        except BaseException as exc:  # handed to the test in stop()
            self._error = exc


class ConsumerQueues:
    """A consumer's queues from the broker's side: publish events, see what is left over."""

    def __init__(self, amqp_url: str, topology: ConsumerTopology):
        self.topology = topology
        self._connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        self._channel = self._connection.channel()
        self._channel.confirm_delivery()
        topology.declare(self._channel)

    def publish_event(self, event: Event) -> None:
        self.publish(event.to_json(), event.event_type, message_id=event.event_id)

    def publish(self, body: bytes, routing_key: str, *, message_id: str | None = None) -> None:
        self._channel.basic_publish(
            self.topology.exchange,
            routing_key,
            body,
            pika.BasicProperties(
                content_type="application/json",
                message_id=message_id,
                delivery_mode=pika.DeliveryMode.Persistent,
                type=routing_key,
            ),
            mandatory=True,
        )

    def ready_messages(self) -> int:
        """Messages waiting in the consumer's queue (unacked ones are not counted)."""
        frame = self._channel.queue_declare(self.topology.queue, passive=True)
        return frame.method.message_count

    def consumer_count(self) -> int:
        """Consumers of the consumer's queue that deliveries go to (not those standing by)."""
        frame = self._channel.queue_declare(self.topology.queue, passive=True)
        return frame.method.consumer_count

    def dead_letters(
        self, count: int, timeout: float = 10.0
    ) -> list[tuple[pika.BasicProperties, bytes]]:
        """Take up to `count` messages from the dead-letter queue, waiting up to `timeout` s."""
        taken: list[tuple[pika.BasicProperties, bytes]] = []
        deadline = time.monotonic() + timeout
        while len(taken) < count and time.monotonic() < deadline:
            method, properties, body = self._channel.basic_get(self.topology.dead_letter_queue)
            if method is None:
                self._connection.sleep(0.05)
                continue
            self._channel.basic_ack(method.delivery_tag)
            taken.append((properties, body))
        return taken

    def delete(self) -> None:
        try:
            for queue in (self.topology.queue, self.topology.dead_letter_queue):
                self._channel.queue_delete(queue)
            self._channel.exchange_delete(self.topology.dead_letter_exchange)
            self._channel.exchange_delete(self.topology.exchange)
            self._connection.close()
        except pika.exceptions.AMQPError:
            pass


def outcomes(consumer: Consumer) -> dict[str, float]:
    """The consumer's settled deliveries by outcome, from its Prometheus counter."""
    totals: dict[str, float] = {}
    for family in REGISTRY.collect():
        if family.name != "edquill_consumer_events":
            continue
        for sample in family.samples:
            if sample.name.endswith("_total") and sample.labels["consumer"] == consumer.NAME:
                outcome = sample.labels["outcome"]
                totals[outcome] = totals.get(outcome, 0) + sample.value
    return totals


def reconnects(consumer: Consumer, server: str) -> float:
    return (
        REGISTRY.get_sample_value(
            "edquill_consumer_reconnects_total", {"consumer": consumer.NAME, "server": server}
        )
        or 0.0
    )
