"""A queue of the test's own on the session's exchange, to see what was published."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from contextlib import contextmanager
from typing import Iterable, Iterator
from urllib.parse import urlsplit

import pika

from shared.config import Settings

# Messages the broker may push to the probe before it acks them: large enough that reading
# thousands of events is not one round trip each.
COLLECT_PREFETCH = 1000


class QueueProbe:
    """Declares a durable queue bound to `patterns` and reads what arrives on it."""

    def __init__(self, settings: Settings, name: str, patterns=("#",)):
        self.queue = f"{settings.exchange}.probe.{name}"
        self._settings = settings
        self._open()
        self._channel.queue_purge(self.queue)
        for pattern in patterns:
            self.bind(pattern)

    def _open(self) -> None:
        self._connection = pika.BlockingConnection(pika.URLParameters(self._settings.amqp_url))
        self._channel = self._connection.channel()
        self._channel.exchange_declare(self._settings.exchange, "topic", durable=True)
        self._channel.queue_declare(self.queue, durable=True)

    def reconnect(self) -> None:
        """Open a new connection (after the broker dropped ours); the queue keeps its messages."""
        try:
            self._connection.close()
        except pika.exceptions.AMQPError:
            pass
        self._open()

    def bind(self, pattern: str) -> None:
        self._channel.queue_bind(self.queue, self._settings.exchange, pattern)

    def take(self, count: int, timeout: float = 10.0) -> list[tuple[pika.BasicProperties, dict]]:
        """Wait for `count` messages (acking them); returns what arrived by the timeout."""
        received: list[tuple[pika.BasicProperties, dict]] = []
        deadline = time.monotonic() + timeout
        while len(received) < count and time.monotonic() < deadline:
            method, properties, body = self._channel.basic_get(self.queue, auto_ack=False)
            if method is None:
                self._connection.sleep(0.02)
                continue
            received.append((properties, json.loads(body)))
            self._channel.basic_ack(method.delivery_tag)
        return received

    def bodies(self, count: int, timeout: float = 10.0) -> list[dict]:
        return [body for _properties, body in self.take(count, timeout)]

    def collect(self, event_ids: Iterable[str], timeout: float = 30.0) -> list[dict]:
        """Read (and ack) until every one of `event_ids` has arrived, or until the timeout.

        Returns every body read, in arrival order, redeliveries and strangers included."""
        missing = set(event_ids)
        received: list[dict] = []

        def on_message(channel, method, _properties, body):
            event = json.loads(body)
            received.append(event)
            missing.discard(event["event_id"])
            channel.basic_ack(method.delivery_tag)

        self._channel.basic_qos(prefetch_count=COLLECT_PREFETCH)
        consumer = self._channel.basic_consume(self.queue, on_message)
        deadline = time.monotonic() + timeout
        try:
            while missing and time.monotonic() < deadline:
                self._connection.process_data_events(time_limit=0.1)
        finally:
            self._channel.basic_cancel(consumer)
        return received

    def delete(self) -> None:
        try:
            if not self._channel.is_open:
                self.reconnect()
            self._channel.queue_delete(self.queue)
            self._connection.close()
        except pika.exceptions.AMQPError:
            pass


class RefusingQueue:
    """A queue bound to `patterns` that takes nothing (x-max-length 0, reject-publish): the
    broker nacks every publish it would route there, as a full or failing queue makes it do,
    until the queue is deleted."""

    def __init__(self, settings: Settings, name: str, patterns=("#",)):
        self.queue = f"{settings.exchange}.refusing.{name}"
        self._connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
        channel = self._connection.channel()
        channel.exchange_declare(settings.exchange, "topic", durable=True)
        channel.queue_declare(
            self.queue, durable=True, arguments={"x-max-length": 0, "x-overflow": "reject-publish"}
        )
        for pattern in patterns:
            channel.queue_bind(self.queue, settings.exchange, pattern)
        self._channel = channel

    def delete(self) -> None:
        """Remove the queue: publishes are taken again. Safe to repeat."""
        if self._connection.is_closed:
            return
        self._channel.queue_delete(self.queue)
        self._connection.close()


def delete_exchange(settings: Settings) -> None:
    """Remove the settings' exchange (a test's own), if the broker is there to ask."""
    try:
        connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
        connection.channel().exchange_delete(settings.exchange)
        connection.close()
    except pika.exceptions.AMQPError:
        pass


def can_restart_local_broker(settings: Settings) -> bool:
    """Whether the settings' broker is this machine's own, with rabbitmqctl to drive it."""
    host = urlsplit(settings.amqp_url).hostname
    return host in ("127.0.0.1", "localhost") and shutil.which("rabbitmqctl") is not None


@contextmanager
def local_broker_stopped() -> Iterator[None]:
    """The machine's RabbitMQ application stopped for the block (its Erlang node stays up)
    and started again however the block ends. Every client of the broker sees the outage."""
    _rabbitmqctl("stop_app")
    try:
        yield
    finally:
        _rabbitmqctl("start_app")
        _rabbitmqctl("await_startup")


def _rabbitmqctl(command: str) -> None:
    subprocess.run(["rabbitmqctl", command], check=True, capture_output=True, timeout=120)
