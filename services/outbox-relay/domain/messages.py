"""What an outbox row becomes on the wire, and which rows can never become a message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone

from outbox_relay.domain.ordering import OutboxRow
from shared.events import Event, MalformedEvent

# RabbitMQ closes the channel on a message larger than its max_message_size (16 MiB by default
# since 4.0), which the relay would take for an outage and retry forever, stalling everything
# behind it: a body larger than this is parked as dead instead.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Message:
    message_id: str
    routing_key: str
    body: bytes
    timestamp: int


def message_for(row: OutboxRow) -> Message:
    """The AMQP message for an outbox row; raises MalformedEvent for a row no one could use."""
    event = Event(
        row.event_id,
        row.event_type,
        row.school_id,
        row.aggregate_type,
        row.aggregate_id,
        row.created_at,
        row.payload,
    )
    event.validate()
    try:
        body = event.to_json()
    except (TypeError, ValueError) as exc:
        raise MalformedEvent(f"payload cannot be serialised: {exc}") from None
    if len(body) > MAX_MESSAGE_BYTES:
        raise MalformedEvent(
            f"message of {len(body)} bytes is larger than the broker takes "
            f"({MAX_MESSAGE_BYTES} bytes)"
        )
    return Message(
        message_id=row.event_id,
        routing_key=row.event_type,
        body=body,
        timestamp=int(row.created_at.replace(tzinfo=timezone.utc).timestamp()),
    )
