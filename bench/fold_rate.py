"""One consumer's worker folding a full queue, as the KPI and dashboard worker benchmarks
measure it: the queue filled beforehand, then the worker run in this process until it has
handled every event; events/s from its start to the last commit, and the cores the worker
(this process), mariadbd and RabbitMQ used meanwhile (bench/cpu.py)."""

from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import replace

import pika

from bench.cpu import CpuShare, server_pids
from bench.harness import delete_topology
from shared.broker import ConsumerTopology
from shared.config import Settings
from shared.events import Event


def fill_queue(settings: Settings, topology: ConsumerTopology, events: list[Event]) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
    channel = connection.channel()
    topology.declare(channel)
    for event in events:
        channel.basic_publish(
            settings.exchange,
            event.event_type,
            event.to_json(),
            pika.BasicProperties(
                message_id=event.event_id, delivery_mode=2, content_type="application/json"
            ),
        )
    deadline = time.monotonic() + 300
    while channel.queue_declare(topology.queue, passive=True).method.message_count < len(events):
        if time.monotonic() > deadline:
            raise RuntimeError("the queue did not fill up")
        connection.sleep(0.2)
    connection.close()


def fold_rate(
    settings: Settings, consumer_class: type, events: list[Event], batch_size: int, *arguments
) -> dict:
    """`consumer_class(settings, *arguments)`, on a queue of its own with `batch_size`, folds
    `events`; its rate and the CPU the path took."""
    tag = secrets.token_hex(3)
    own = replace(settings, exchange=f"{settings.exchange}.{tag}")
    all_folded = threading.Event()

    class Counted(consumer_class):
        NAME = f"{consumer_class.NAME}-bench-{tag}"
        BATCH_SIZE = batch_size

        # By event id: a handle that calls handle_batch (the KPI's) or a batch handled again
        # one by one after a failure counts each event once.
        def handle(self, event, cursor):
            super().handle(event, cursor)
            self._count([event])

        def handle_batch(self, batch, cursor):
            super().handle_batch(batch, cursor)
            self._count(batch)

        def _count(self, handled: list[Event]) -> None:
            self.folded.update(event.event_id for event in handled)
            if len(self.folded) >= len(events):
                all_folded.set()  # the loop stops once this is committed and acked

    consumer = Counted(own, *arguments)
    consumer.folded = set()
    fill_queue(own, consumer.topology, events)
    processes = {
        "worker": [os.getpid()],
        "mariadbd": server_pids("mariadbd"),
        "rabbitmq": server_pids("beam.smp"),
    }
    started = time.perf_counter()
    with CpuShare(processes) as cpu:
        consumer.run(all_folded)
    seconds = time.perf_counter() - started
    delete_topology(own, consumer.topology)
    return {
        "mode": f"batch of up to {batch_size} per transaction"
        if batch_size > 1
        else "one message per transaction (baseline)",
        "batch_size": batch_size,
        "events": len(events),
        "seconds": round(seconds, 3),
        "events_per_second": round(len(events) / seconds, 1),
        "cpu": cpu.figures(),
    }
