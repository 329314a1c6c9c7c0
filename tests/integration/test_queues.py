"""Every consumer's queue exists, bound, before the first event is published."""

from __future__ import annotations

import dataclasses
import secrets

import pika

from shared.queues import declare_consumer_queues
from tests.support.waiting import wait_until


def test_an_event_published_before_any_consumer_ran_waits_in_every_consumers_queue(settings):
    own = dataclasses.replace(settings, exchange=f"{settings.exchange}.{secrets.token_hex(3)}")
    declared = declare_consumer_queues(own)
    connection = pika.BlockingConnection(pika.URLParameters(own.amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()

    def depths():
        return {
            queue: channel.queue_declare(queue, passive=True).method.message_count
            for queue in declared
        }

    try:
        channel.basic_publish(own.exchange, "selfreg.submitted", b"{}")
        # A quorum queue reports its depth a moment after the confirm.
        wait_until(
            lambda: all(depth == 1 for depth in depths().values()),
            timeout=10,
            what="the event in every consumer's queue",
        )
    finally:
        for queue in declared:
            channel.queue_delete(queue)
            channel.queue_delete(f"{queue}.dead")
        channel.exchange_delete(own.exchange)
        channel.exchange_delete(f"{own.exchange}.dlx")
        connection.close()

    assert sorted(declared) == sorted(
        f"{own.exchange}.{name}" for name in ("dashboard", "kpi", "notifier")
    )
