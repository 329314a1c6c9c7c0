"""How the relay turns an outbox row into a message, and which rows it refuses to send at all
(parked dead on first sight: no retry could help them)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from outbox_relay.domain.messages import MAX_MESSAGE_BYTES, message_for
from outbox_relay.domain.ordering import OutboxRow
from shared.events import MalformedEvent

CREATED = datetime(2026, 11, 25, 21, 34, 2, 123456)
EVENT_ID = "6f1c2a6e-3b8e-4f6a-9d7e-0d6c2f4b9a11"


def status_row(payload) -> OutboxRow:
    return OutboxRow(
        id=1,
        event_id=EVENT_ID,
        event_type="selfreg.status.updated",
        school_id=1,
        aggregate_type="self_registration",
        aggregate_id=123,
        payload=payload,
        created_at=CREATED,
    )


STATUS_PAYLOAD = {"registration_id": 123, "from_status": "pending", "to_status": "in_review"}


def test_a_row_becomes_its_event_keyed_by_type_with_the_event_id_as_message_id():
    message = message_for(status_row(STATUS_PAYLOAD))

    assert (message.message_id, message.routing_key) == (EVENT_ID, "selfreg.status.updated")
    assert json.loads(message.body)["payload"] == STATUS_PAYLOAD


def test_a_payload_that_cannot_be_serialised_is_refused_as_malformed():
    circular = dict(STATUS_PAYLOAD)
    circular["self"] = circular

    with pytest.raises(MalformedEvent, match="cannot be serialised"):
        message_for(status_row(circular))


def test_a_message_larger_than_the_broker_takes_is_refused_as_malformed():
    huge = dict(STATUS_PAYLOAD, note="x" * MAX_MESSAGE_BYTES)

    with pytest.raises(MalformedEvent, match="larger than the broker takes"):
        message_for(status_row(huge))
