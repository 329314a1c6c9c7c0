"""Every consumer's queues, declared before any event is published.

A topic exchange routes a message only to the queues bound at that moment: an event published
before a consumer first connected never reaches it. So the queues are declared up front, from
the consumers' own definitions (the `edquill.consumers` entry point group), by `edquill up`
and by `edquill queues declare` in an operator's start-up, right after `edquill migrate`.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import click

from shared.broker import ConsumerTopology
from shared.broker_connections import connect_to_any
from shared.config import Settings


def consumer_classes() -> list[type]:
    """Every installed consumer's class (NAME, BINDINGS, SERVICE_DB...), by entry point name."""
    return [
        entry.load()
        for entry in sorted(entry_points(group="edquill.consumers"), key=lambda e: e.name)
    ]


def topology_of(settings: Settings, consumer: type) -> ConsumerTopology:
    """The queues `consumer` (a Consumer subclass) declares on `settings`' broker."""
    return ConsumerTopology.of(
        settings.exchange,
        consumer.NAME,
        consumer.BINDINGS,
        consumer.DELIVERY_LIMIT,
        settings.quorum_group_size,
        consumer.SINGLE_ACTIVE_CONSUMER,
    )


def consumer_topologies(settings: Settings) -> list[ConsumerTopology]:
    return [topology_of(settings, consumer) for consumer in consumer_classes()]


def declare_consumer_queues(settings: Settings) -> list[str]:
    """Declare every consumer's queue, dead-letter queue and bindings; returns the queues."""
    connection = connect_to_any(settings.amqp_urls, "edquill-queues-declare")
    try:
        channel = connection.channel()
        topologies = consumer_topologies(settings)
        for topology in topologies:
            topology.declare(channel)
    finally:
        connection.close()
    return [topology.queue for topology in topologies]


@click.group("queues")
def queues() -> None:
    """The consumers' RabbitMQ queues."""


@queues.command("declare")
@click.pass_obj
def queues_declare(settings: Settings) -> None:
    """Declare every consumer's queues and bindings (safe to repeat)."""
    click.echo("declared: " + ", ".join(declare_consumer_queues(settings)))
