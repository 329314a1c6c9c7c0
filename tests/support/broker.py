"""A queue of the test's own on the session's exchange, to see what was published."""
from __future__ import annotations

import json
import time

import pika

from shared.config import Settings


class QueueProbe:
    """Declares a durable queue bound to `patterns` and reads what arrives on it."""

    def __init__(self, settings: Settings, name: str, patterns=("#",)):
        self.queue = f"{settings.exchange}.probe.{name}"
        self._connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
        self._channel = self._connection.channel()
        self._channel.exchange_declare(settings.exchange, "topic", durable=True)
        self._channel.queue_declare(self.queue, durable=True)
        self._channel.queue_purge(self.queue)
        for pattern in patterns:
            self._channel.queue_bind(self.queue, settings.exchange, pattern)

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

    def delete(self) -> None:
        try:
            self._channel.queue_delete(self.queue)
            self._connection.close()
        except pika.exceptions.AMQPError:
            pass
