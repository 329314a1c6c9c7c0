"""The base consumer's batch mode (BATCH_SIZE > 1) on the real MariaDB and RabbitMQ: one
transaction and one ack per batch, duplicates skipped, and a poison message isolated and
dead-lettered alone while the rest of its batch goes through."""

from __future__ import annotations

import json
import secrets
from dataclasses import replace

import pytest

from shared.dead_letters import ERROR_HEADER
from shared.events import Event, MalformedEvent
from tests.support.consumers import (
    ConsumerQueues,
    ConsumerThread,
    EffectTable,
    outcomes,
    recording_consumer_class,
)
from tests.support.waiting import wait_until


def submitted(registration_id: int) -> Event:
    return Event.new(
        "selfreg.submitted",
        school_id=1,
        aggregate_id=registration_id,
        payload={"registration_id": registration_id, "status": "pending"},
    )


@pytest.fixture
def effects(settings):
    table = EffectTable(settings).create()
    yield table
    table.drop()


@pytest.fixture
def batch_consumer(settings, effects):
    """batch_consumer(events, behaviour=None, **constants): publish `events` first, then start
    a batching recording consumer, so that they come as whole batches."""
    started = []

    def start(events, behaviour=None, **constants):
        own = replace(settings, exchange=f"{settings.exchange}.{secrets.token_hex(3)}")
        consumer_class = recording_consumer_class(
            f"t{secrets.token_hex(4)}", **{"BATCH_SIZE": 50, **constants}
        )
        batches: list[int] = []

        class Counting(consumer_class):
            def handle_batch(self, events, cursor):
                batches.append(len(events))
                super().handle_batch(events, cursor)

        consumer = Counting(own, effects, behaviour)
        queues = ConsumerQueues(own.amqp_url, consumer.topology)
        for event in events:
            queues.publish_event(event)
        thread = ConsumerThread(consumer).start()
        started.append((thread, queues))
        return consumer, queues, batches

    yield start
    for thread, queues in started:
        try:
            thread.stop()
        finally:
            queues.delete()


def settled(consumer) -> int:
    counts = outcomes(consumer)
    return int(sum(counts.get(name, 0) for name in ("handled", "duplicate", "dead_lettered")))


def test_a_batch_is_handled_in_one_transaction_and_acked_at_once(batch_consumer, effects):
    events = [submitted(n) for n in range(1, 31)]
    consumer, queues, batches = batch_consumer(events)

    wait_until(lambda: settled(consumer) == 30, what="thirty events")

    assert sorted(effects.event_ids()) == sorted(event.event_id for event in events)
    assert max(batches) > 1
    assert outcomes(consumer) == {"handled": 30}
    wait_until(lambda: queues.ready_messages() == 0, what="the queue to be empty")


def test_the_same_event_twice_in_one_batch_has_one_effect(batch_consumer, effects):
    event = submitted(40)
    consumer, _queues, _batches = batch_consumer([event, submitted(41), event])

    wait_until(lambda: settled(consumer) == 3, what="three deliveries")

    assert effects.count(event.event_id) == 1
    assert outcomes(consumer) == {"handled": 2, "duplicate": 1}


def test_a_poison_message_is_dead_lettered_alone_and_the_rest_of_its_batch_is_handled(
    batch_consumer, effects
):
    poison = submitted(13)
    good = [submitted(n) for n in (50, 51, 52, 53)]

    def fail_on_registration_13(event, _cursor, _call):
        if event.aggregate_id == 13:
            raise RuntimeError("cannot fold registration 13")

    consumer, queues, _batches = batch_consumer(
        [*good[:2], poison, *good[2:]], fail_on_registration_13, HANDLER_ATTEMPTS=3
    )
    [(properties, body)] = queues.dead_letters(1, timeout=15)
    wait_until(lambda: settled(consumer) == 5, what="five deliveries")

    assert json.loads(body)["event_id"] == poison.event_id
    assert properties.headers[ERROR_HEADER] == (
        "handler failed after 3 attempts: RuntimeError: cannot fold registration 13"
    )
    assert sorted(effects.event_ids()) == sorted(event.event_id for event in good)
    assert outcomes(consumer) == {"handled": 4, "retried": 2, "dead_lettered": 1}


def test_an_event_the_handler_refuses_as_malformed_is_dead_lettered_at_once(
    batch_consumer, effects
):
    refused = submitted(14)

    def refuse_registration_14(event, _cursor, _call):
        if event.aggregate_id == 14:
            raise MalformedEvent("amount_minor must not be negative")

    consumer, queues, _batches = batch_consumer([refused, submitted(60)], refuse_registration_14)
    [(properties, _body)] = queues.dead_letters(1, timeout=15)
    wait_until(lambda: settled(consumer) == 2, what="two deliveries")

    assert properties.headers[ERROR_HEADER] == (
        "malformed event: amount_minor must not be negative"
    )
    assert outcomes(consumer) == {"handled": 1, "dead_lettered": 1}


def test_a_malformed_body_in_a_batch_is_dead_lettered_and_the_others_handled(
    settings, batch_consumer, effects
):
    good = submitted(70)
    consumer, queues, _batches = batch_consumer([good])
    queues.publish(b"{not json", "selfreg.submitted", message_id="bad")

    [(properties, body)] = queues.dead_letters(1, timeout=15)
    wait_until(lambda: settled(consumer) == 2, what="two deliveries")

    assert body == b"{not json"
    assert "body is not JSON" in properties.headers[ERROR_HEADER]
    assert effects.count(good.event_id) == 1
