"""Publishing to RabbitMQ with publisher confirms, many messages in flight at once.

pika's BlockingChannel waits for each confirm before the next publish: one broker round trip
(and disk sync) per message. This drives pika's SelectConnection instead: a whole batch is
written at once, and the loop runs until every message is acked, nacked or returned
(`mandatory`, so a message no queue is bound for comes back instead of vanishing).

It speaks to one node of EDQUILL_AMQP_URL at a time. A connection that fails or is lost sends
the next `connect` to the next node (shared.broker_nodes); what was in flight unconfirmed is
given back by the relay and published again there, so a dead node loses nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Sequence

import pika
from pika.spec import Basic

from outbox_relay.domain.messages import Message
from shared.broker_connections import connection_parameters
from shared.broker_nodes import HEARTBEAT_SECONDS, NodeRotation, node_urls

log = logging.getLogger(__name__)


class BrokerUnavailable(ConnectionError):
    """The broker cannot be reached or dropped the connection; nothing was confirmed."""


@dataclass
class BatchOutcome:
    """The broker's answer to each message of a batch, by message id.

    Only `refused` is about the message itself (returned: no queue is bound for its routing
    key). A nack says the broker could not take it just now (a queue full with reject-publish,
    a quorum queue without its majority), and no answer means the connection was lost: both
    are the broker's state, not the event's, and cost the event no attempt.
    """

    confirmed: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # message_id -> why
    nacked: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)  # no answer: connection lost


class ConfirmingPublisher:
    def __init__(
        self,
        amqp_url: str,
        exchange: str,
        *,
        connect_timeout: float = 5.0,
        heartbeat: int = HEARTBEAT_SECONDS,
    ):
        # One node or a cluster's list; heartbeats keep an idle relay's connection alive and
        # notice a dead node.
        self._nodes = NodeRotation(node_urls(amqp_url))
        self._heartbeat = heartbeat
        self._exchange = exchange
        # Set when the connection failed or was lost rather than closed by us.
        self._lost = False
        self._closing = False
        self._connect_timeout = connect_timeout
        self._connection: pika.SelectConnection | None = None
        self._channel = None
        self._error: Exception | None = None
        self._ready = False
        self._waiting: Callable[[], bool] | None = None
        self._reset_batch()

    # -- connection ------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._ready and self._connection is not None and self._connection.is_open

    @property
    def node(self) -> str:
        """The node connected to (or tried next), as host:port."""
        return self._nodes.current_address

    def connect(self) -> None:
        """Open connection and channel, declare the exchange, enter confirm mode: on the
        node of the last connection, or on the next one if that connection failed."""
        self.close()
        if self._lost:
            self._nodes.fail_over()
        self._lost = False
        self._error = None
        self._ready = False
        self._connection = pika.SelectConnection(
            self._parameters(),
            on_open_callback=self._on_connection_open,
            on_open_error_callback=self._on_connection_error,
            on_close_callback=self._on_connection_closed,
        )
        self._run_until(lambda: self._ready or self._error is not None, self._connect_timeout)
        if not self._ready:
            error = self._error or TimeoutError("timed out connecting to the broker")
            self.close()
            self._lost = True
            raise BrokerUnavailable(f"{self.node}: {error}") from error

    def _parameters(self) -> pika.URLParameters:
        parameters = connection_parameters(
            self._nodes.current, "edquill-outbox-relay", self._heartbeat
        )
        parameters.socket_timeout = self._connect_timeout
        return parameters

    def close(self) -> None:
        connection, self._connection = self._connection, None
        self._ready = False
        if connection is None:
            return
        if connection.is_open:
            self._closing = True
            connection.close()
            # Let the close handshake finish so the broker does not log an abrupt disconnect.
            self._connection = connection
            self._run_until(lambda: connection.is_closed, 2.0)
            self._connection = None
            self._closing = False
        else:
            # Closed under us (a lost node, a channel error): the next connect moves on.
            self._lost = True

    def _on_connection_open(self, connection) -> None:
        connection.channel(on_open_callback=self._on_channel_open)

    def _on_connection_error(self, _connection, error) -> None:
        self._error = error
        self._lost = True
        self._wake()

    def _on_connection_closed(self, _connection, reason) -> None:
        self._error = reason
        self._ready = False
        if not self._closing:
            self._lost = True
        self._wake()

    def _on_channel_open(self, channel) -> None:
        self._channel = channel
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        channel.exchange_declare(
            exchange=self._exchange,
            exchange_type="topic",
            durable=True,
            callback=lambda _frame: channel.confirm_delivery(
                self._on_confirm, callback=self._on_confirm_mode
            ),
        )

    def _on_confirm_mode(self, _frame) -> None:
        self._delivery_tag = 0
        self._ready = True
        self._wake()

    def _on_channel_closed(self, _channel, reason) -> None:
        self._error = reason
        self._ready = False
        if self._connection is not None and self._connection.is_open:
            self._connection.close()
        self._wake()

    # -- publishing ------------------------------------------------------------------------

    def publish_batch(self, messages: Sequence[Message], timeout: float) -> BatchOutcome:
        """Publish every message, then wait up to `timeout` s for all the broker's answers."""
        self.send(messages)
        return self.wait_for_confirms(timeout)

    def send(self, messages: Sequence[Message]) -> None:
        """Publish a batch and hand it to the socket, without waiting for the answers."""
        if not self.connected:
            raise BrokerUnavailable("not connected")
        self._reset_batch()
        for message in messages:
            self._channel.basic_publish(
                exchange=self._exchange,
                routing_key=message.routing_key,
                body=message.body,
                properties=pika.BasicProperties(
                    content_type="application/json",
                    delivery_mode=pika.DeliveryMode.Persistent,
                    message_id=message.message_id,
                    type=message.routing_key,
                    timestamp=message.timestamp,
                ),
                mandatory=True,
            )
            self._delivery_tag += 1
            self._in_flight[self._delivery_tag] = message.message_id
        # pika writes from its loop: one turn of it puts the frames on the wire now.
        self._turn_loop()

    def wait_for_confirms(self, timeout: float) -> BatchOutcome:
        """Wait up to `timeout` s for the broker's answer to every message sent."""
        self._run_until(lambda: not self._in_flight or not self.connected, timeout)
        if self._in_flight:
            # A node that keeps a connection open but answers nothing (paused, cut off from its
            # cluster) is as good as lost: the next connect tries another.
            self._lost = True
        outcome = self._outcome
        outcome.unconfirmed = list(self._in_flight.values())
        self._reset_batch()
        return outcome

    def idle(self, seconds: float) -> None:
        """Wait without publishing, still serving heartbeats and noticing a lost broker."""
        if self._connection is None:
            return
        self._run_until(lambda: not self.connected, seconds)

    def _reset_batch(self) -> None:
        self._in_flight: dict[int, str] = {}
        self._returned: dict[str, str] = {}
        self._outcome = BatchOutcome()

    def _on_return(self, _channel, method, properties, _body) -> None:
        self._returned[properties.message_id] = (
            f"unroutable: {method.reply_code} {method.reply_text} "
            f"(routing key {method.routing_key!r})"
        )

    def _on_confirm(self, frame) -> None:
        method = frame.method
        acked = isinstance(method, Basic.Ack)
        for tag in self._answered_tags(method):
            message_id = self._in_flight.pop(tag, None)
            if message_id is None:
                continue
            if message_id in self._returned:
                self._outcome.refused[message_id] = self._returned.pop(message_id)
            elif acked:
                self._outcome.confirmed.append(message_id)
            else:
                self._outcome.nacked.append(message_id)
        self._wake()

    def _answered_tags(self, method) -> list[int]:
        if not method.multiple:
            return [method.delivery_tag]
        # In-flight tags were inserted in ascending order, so the answered ones lead.
        answered = []
        for tag in self._in_flight:
            if tag > method.delivery_tag:
                break
            answered.append(tag)
        return answered

    # -- driving pika's loop synchronously ---------------------------------------------------

    def _run_until(self, done: Callable[[], bool], timeout: float) -> None:
        if done() or self._connection is None:
            return
        ioloop = self._connection.ioloop
        self._waiting = done
        timer = ioloop.call_later(timeout, ioloop.stop)
        try:
            ioloop.start()
        finally:
            ioloop.remove_timeout(timer)
            self._waiting = None

    def _turn_loop(self) -> None:
        if self._connection is None:
            return
        ioloop = self._connection.ioloop
        ioloop.call_later(0, ioloop.stop)
        ioloop.start()

    def _wake(self) -> None:
        if self._waiting is not None and self._waiting() and self._connection is not None:
            self._connection.ioloop.stop()
