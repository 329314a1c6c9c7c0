"""Opening a connection to one broker node with pika: the parameters every client uses, and
a one-off connection to whichever node of a list answers first.

Kept apart from shared.broker_nodes, which is pure (it is read by the configuration, and so
by domain code that must not import a broker client)."""

from __future__ import annotations

import pika
import pika.exceptions

from shared.broker_nodes import HEARTBEAT_SECONDS

# A broker short of memory or disk blocks publishers, our dead-letter publishes included;
# past this the connection is dropped and opened again rather than left hanging.
BLOCKED_CONNECTION_TIMEOUT_SECONDS = 30
# A broker that does not answer a connect attempt within this long counts as unreachable.
SOCKET_TIMEOUT_SECONDS = 5


def connection_parameters(
    amqp_url: str, connection_name: str, heartbeat: int = HEARTBEAT_SECONDS
) -> pika.URLParameters:
    """One node's parameters (a single URL, not EDQUILL_AMQP_URL's list)."""
    parameters = pika.URLParameters(amqp_url)
    parameters.heartbeat = heartbeat
    parameters.blocked_connection_timeout = BLOCKED_CONNECTION_TIMEOUT_SECONDS
    parameters.socket_timeout = SOCKET_TIMEOUT_SECONDS
    # The consumer retries with its own back-off; pika's retries would hide the outage from it.
    parameters.connection_attempts = 1
    # Shown by `rabbitmqctl list_connections client_properties`: who is connected.
    parameters.client_properties = {"connection_name": connection_name}
    return parameters


def connect_to_any(urls: tuple[str, ...], connection_name: str) -> pika.BlockingConnection:
    """A connection to the first of the nodes that answers, for a one-off command (queue
    declaration): each is tried once, in order; the last node's error if none answers."""
    for url in urls[:-1]:
        try:
            return pika.BlockingConnection(connection_parameters(url, connection_name))
        except pika.exceptions.AMQPConnectionError:
            continue
    return pika.BlockingConnection(connection_parameters(urls[-1], connection_name))
