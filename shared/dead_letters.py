"""What a message carries when its consumer dead-letters it itself: the original's body and
properties, and headers saying why, from which consumer, with which routing key and after how
many attempts (the broker's own dead-lettering adds x-death instead)."""

from __future__ import annotations

import pika

# Headers on a message the consumer dead-letters itself (the broker's own carry x-death).
ERROR_HEADER = "x-edquill-error"
CONSUMER_HEADER = "x-edquill-consumer"
ROUTING_KEY_HEADER = "x-edquill-routing-key"
ATTEMPTS_HEADER = "x-edquill-attempts"
# Longest reason kept in ERROR_HEADER: enough for an exception's message, not a traceback.
REASON_LENGTH = 1000


def dead_letter_properties(
    properties: pika.BasicProperties, *, consumer: str, routing_key: str, reason: str, attempts: int
) -> pika.BasicProperties:
    """The original message's properties plus why, where from, and after how many tries."""
    headers: dict = dict(properties.headers or {})
    headers.update(
        {
            ERROR_HEADER: reason[:REASON_LENGTH],
            CONSUMER_HEADER: consumer,
            ROUTING_KEY_HEADER: routing_key,
            ATTEMPTS_HEADER: attempts,
        }
    )
    # The broker's count of earlier returns belongs to the consumer's queue, not the dead one.
    headers.pop("x-delivery-count", None)
    return pika.BasicProperties(
        content_type=properties.content_type,
        delivery_mode=pika.DeliveryMode.Persistent,
        message_id=properties.message_id,
        type=properties.type,
        timestamp=properties.timestamp,
        headers=headers,
    )
