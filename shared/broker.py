"""RabbitMQ as a consumer sees it: its queues, its connection, and what it says to the broker.

Every consumer owns one durable quorum queue on the events exchange, named after the consumer,
bound to the event patterns it handles, and (unless its handling does not depend on order)
delivering to one consumer at a time while the others stand by. Beside it sits its
dead-letter queue, fed through the run's dead-letter exchange (direct, keyed by the queue's
name) from two sides:

- the consumer publishes there the messages it knows are hopeless (a malformed event, a handler
  that keeps failing), with the reason in a header (shared.dead_letters), then acks the original;
- the broker moves there a message returned more than `delivery_limit` times (x-death reason
  `delivery_limit`): the safety net for a message that kills its consumer before it can answer.

`ConsumerChannel` is one BlockingConnection with one channel, used by one thread only (pika's
blocking adapter is not thread-safe), to one node of EDQUILL_AMQP_URL at a time (after a failed
or lost connection, the next: shared.broker_nodes). Deliveries are collected by pika's callback
into a queue of our own and handled outside pika's callbacks: no failure unwinds through pika.
"""

from __future__ import annotations

import collections
import time
from dataclasses import dataclass

import pika
import pika.exceptions

from shared.broker_connections import connection_parameters
from shared.broker_nodes import NodeRotation, quorum_arguments
from shared.dead_letters import dead_letter_properties
from shared.worker import close_quietly

# Reply codes to a declaration that no reconnect can fix: the queue exists with other
# arguments (406), or the user may not declare it (403).
_CONFLICTING_DECLARATION = frozenset({403, 406})


class TopologyConflict(RuntimeError):
    """The broker refused the consumer's queues as declared; an operator must step in."""


@dataclass(frozen=True)
class ConsumerTopology:
    exchange: str
    queue: str
    bindings: tuple[str, ...]
    dead_letter_exchange: str
    dead_letter_queue: str
    delivery_limit: int
    # Members of each quorum queue's replication group; None leaves it to the broker.
    quorum_group_size: int | None = None
    # One consumer at a time, others standing by (the consumer's SINGLE_ACTIVE_CONSUMER).
    single_active: bool = True

    @classmethod
    def of(
        cls,
        exchange: str,
        consumer: str,
        bindings: tuple[str, ...],
        delivery_limit: int,
        quorum_group_size: int | None = None,
        single_active: bool = True,
    ) -> "ConsumerTopology":
        queue = f"{exchange}.{consumer}"
        return cls(
            exchange=exchange,
            queue=queue,
            bindings=tuple(bindings),
            dead_letter_exchange=f"{exchange}.dlx",
            dead_letter_queue=f"{queue}.dead",
            delivery_limit=delivery_limit,
            quorum_group_size=quorum_group_size,
            single_active=single_active,
        )

    def queue_arguments(self) -> dict:
        # The broker refuses to redeclare a queue with other arguments (PRECONDITION_FAILED):
        # changing one of these on a live system means a policy or a new queue.
        arguments = {
            **quorum_arguments(self.quorum_group_size),
            "x-dead-letter-exchange": self.dead_letter_exchange,
            # Dead-lettered messages keep their event type as routing key unless told
            # otherwise; the queue's own name sends them to this consumer's dead queue only.
            "x-dead-letter-routing-key": self.queue,
            "x-delivery-limit": self.delivery_limit,
        }
        if self.single_active:
            arguments["x-single-active-consumer"] = True
        return arguments

    def declare(self, channel) -> None:
        """Declare everything the consumer needs; safe to repeat on every (re)connect."""
        channel.exchange_declare(self.exchange, "topic", durable=True)
        channel.exchange_declare(self.dead_letter_exchange, "direct", durable=True)
        dead_arguments = quorum_arguments(self.quorum_group_size)
        channel.queue_declare(self.dead_letter_queue, durable=True, arguments=dead_arguments)
        channel.queue_bind(
            self.dead_letter_queue, self.dead_letter_exchange, routing_key=self.queue
        )
        channel.queue_declare(self.queue, durable=True, arguments=self.queue_arguments())
        for pattern in self.bindings:
            channel.queue_bind(self.queue, self.exchange, routing_key=pattern)


@dataclass(frozen=True)
class Delivery:
    tag: int
    routing_key: str
    properties: pika.BasicProperties
    body: bytes

    @property
    def attempt(self) -> int:
        """1 for a first delivery; quorum queues count the earlier returns in a header."""
        headers = self.properties.headers or {}
        return int(headers.get("x-delivery-count") or 0) + 1

    @property
    def message_id(self) -> str:
        return self.properties.message_id or "-"


class ConsumerChannel:
    """One connection and channel consuming a consumer's queue (manual acks only)."""

    def __init__(
        self,
        nodes: NodeRotation,
        connection_name: str,
        topology: ConsumerTopology,
        prefetch: int,
        consumer: str,
        heartbeat: int,
    ):
        self._nodes = nodes
        self._connection_name = connection_name
        self._heartbeat = heartbeat
        self._topology = topology
        self._prefetch = prefetch
        self._consumer = consumer
        self._connection: pika.BlockingConnection | None = None
        self._channel = None
        self._deliveries: collections.deque[Delivery] = collections.deque()

    @property
    def connected(self) -> bool:
        return (
            self._connection is not None
            and self._connection.is_open
            and self._channel is not None
            and self._channel.is_open
        )

    def open(self) -> None:
        """Connect, declare the topology, and start consuming."""
        self.close()
        self._connection = pika.BlockingConnection(
            connection_parameters(self._nodes.current, self._connection_name, self._heartbeat)
        )
        self._channel = self._connection.channel()
        try:
            self._topology.declare(self._channel)
        except pika.exceptions.ChannelClosedByBroker as exc:
            if exc.reply_code not in _CONFLICTING_DECLARATION:
                raise
            self.close()
            raise TopologyConflict(
                f"cannot declare {self._topology.queue}: {exc.reply_code} {exc.reply_text}"
            ) from None
        # Confirms make a dead-letter publish certain before the original is acked; they do
        # not change how deliveries are acked.
        self._channel.confirm_delivery()
        self._channel.basic_qos(prefetch_count=self._prefetch)
        self._channel.basic_consume(self._topology.queue, self._collect, auto_ack=False)

    def _collect(self, _channel, method, properties, body) -> None:
        self._deliveries.append(Delivery(method.delivery_tag, method.routing_key, properties, body))

    def next_delivery(self, timeout: float) -> Delivery | None:
        """The oldest delivery not yet taken, waiting up to `timeout` s for one."""
        if not self._deliveries:
            self._open_connection().process_data_events(time_limit=timeout)
        return self._deliveries.popleft() if self._deliveries else None

    def next_deliveries(self, most: int, timeout: float, fill_seconds: float) -> list[Delivery]:
        """Up to `most` deliveries, oldest first: waits up to `timeout` s for the first, then up
        to `fill_seconds` more for the rest of the batch."""
        if not self._deliveries:
            self._open_connection().process_data_events(time_limit=timeout)
        if self._deliveries:
            deadline = time.monotonic() + fill_seconds
            while len(self._deliveries) < most:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                # Returns as soon as deliveries arrive, not only at the time limit.
                self._open_connection().process_data_events(time_limit=left)
        taken: list[Delivery] = []
        while self._deliveries and len(taken) < most:
            taken.append(self._deliveries.popleft())
        return taken

    def sleep(self, seconds: float) -> None:
        """Wait while serving heartbeats; deliveries arriving meanwhile are kept for later."""
        self._open_connection().sleep(seconds)

    def ack(self, delivery: Delivery) -> None:
        self._open_channel().basic_ack(delivery.tag)

    def ack_through(self, tag: int) -> None:
        """Ack every outstanding delivery up to and including `tag` (one frame for a batch)."""
        self._open_channel().basic_ack(tag, multiple=True)

    def give_back(self, delivery: Delivery) -> None:
        """Return the message to the queue as a failed delivery, to be tried again.

        basic.reject, not basic.nack: since RabbitMQ 4.3 a quorum queue raises a message's
        delivery count (x-delivery-count, which `Delivery.attempt` reads, and which
        x-delivery-limit is held against) for a reject but not for a nack. Given back with a
        nack, a message that keeps failing would be tried forever, always as attempt 1.
        """
        self._open_channel().basic_reject(delivery.tag, requeue=True)

    def dead_letter(self, delivery: Delivery, reason: str, attempts: int) -> None:
        """Publish the message to this consumer's dead queue with the reason, then ack it.

        basic.reject cannot carry a reason, hence the publish; if it is not confirmed, the
        original stays unacked and comes back after a reconnect.
        """
        self._open_channel().basic_publish(
            exchange=self._topology.dead_letter_exchange,
            routing_key=self._topology.queue,
            body=delivery.body,
            properties=dead_letter_properties(
                delivery.properties,
                consumer=self._consumer,
                routing_key=delivery.routing_key,
                reason=reason,
                attempts=attempts,
            ),
            mandatory=True,
        )
        self.ack(delivery)

    def _open_connection(self) -> pika.BlockingConnection:
        if self._connection is None:
            raise pika.exceptions.ConnectionWrongStateError("not connected to the broker")
        return self._connection

    def _open_channel(self):
        if self._channel is None:
            raise pika.exceptions.ConnectionWrongStateError("not connected to the broker")
        return self._channel

    @property
    def node(self) -> str:
        return self._nodes.current_address

    def fail_over(self) -> None:
        """Give up this node's connection (failed or lost): the next `open` tries the next
        node. Unacked deliveries go back to the queue, on whichever node leads it."""
        self.close()
        self._nodes.fail_over()

    def close(self) -> None:
        """Close quietly; the broker returns every unacked delivery to the queue."""
        connection, self._connection, self._channel = self._connection, None, None
        self._deliveries.clear()
        if connection is not None and connection.is_open:
            close_quietly(connection, errors=(pika.exceptions.AMQPError,))
