"""A consumer's queues and the messages it dead-letters, as declared and built (no broker)."""

from __future__ import annotations

import pika

from shared.broker import ConsumerTopology
from shared.config import Settings
from shared.dead_letters import (
    ATTEMPTS_HEADER,
    CONSUMER_HEADER,
    ERROR_HEADER,
    REASON_LENGTH,
    ROUTING_KEY_HEADER,
    dead_letter_properties,
)
from shared.queues import consumer_classes, topology_of


def kpi_topology() -> ConsumerTopology:
    return ConsumerTopology.of(
        "edquill.events", "kpi", ("selfreg.#", "invoice.#"), delivery_limit=20
    )


def test_queue_names_derive_from_the_exchange_and_the_consumer():
    topology = kpi_topology()

    assert topology.queue == "edquill.events.kpi"
    assert topology.dead_letter_exchange == "edquill.events.dlx"
    assert topology.dead_letter_queue == "edquill.events.kpi.dead"
    assert topology.bindings == ("selfreg.#", "invoice.#")


def test_the_queue_is_quorum_with_bounded_deliveries_dead_lettering_to_its_own_dead_queue():
    assert kpi_topology().queue_arguments() == {
        "x-queue-type": "quorum",
        "x-dead-letter-exchange": "edquill.events.dlx",
        "x-dead-letter-routing-key": "edquill.events.kpi",
        "x-delivery-limit": 20,
        "x-single-active-consumer": True,
    }


def test_a_consumer_whose_effects_do_not_depend_on_order_lets_workers_share_its_queue():
    shared = ConsumerTopology.of("edquill.events", "kpi", ("selfreg.#",), 20, single_active=False)

    assert "x-single-active-consumer" not in shared.queue_arguments()


def test_each_consumer_declares_whether_its_workers_take_turns_or_share_the_queue():
    settings = Settings.from_env({"EDQUILL_ENV": "development"})
    single_active = {c.NAME: topology_of(settings, c).single_active for c in consumer_classes()}

    # The notifier's reminders depend on the order of a registration's events; the dashboard
    # keeps the newest state and the KPI figures are sums, whatever the order.
    assert single_active == {"dashboard": False, "kpi": False, "notifier": True}


def original_properties(**headers) -> pika.BasicProperties:
    return pika.BasicProperties(
        content_type="application/json",
        message_id="e-1",
        type="invoice.paid",
        timestamp=1_700_000_000,
        delivery_mode=2,
        headers=headers or None,
    )


def test_a_dead_lettered_message_says_why_where_from_and_after_how_many_attempts():
    properties = dead_letter_properties(
        original_properties(),
        consumer="kpi",
        routing_key="invoice.paid",
        reason="handler failed",
        attempts=5,
    )

    assert properties.headers == {
        ERROR_HEADER: "handler failed",
        CONSUMER_HEADER: "kpi",
        ROUTING_KEY_HEADER: "invoice.paid",
        ATTEMPTS_HEADER: 5,
    }
    assert (properties.message_id, properties.type, properties.timestamp) == (
        "e-1",
        "invoice.paid",
        1_700_000_000,
    )
    assert properties.delivery_mode == 2


def test_a_dead_lettered_message_keeps_its_headers_but_not_the_queues_delivery_count():
    properties = dead_letter_properties(
        original_properties(**{"x-trace": "abc", "x-delivery-count": 4}),
        consumer="kpi",
        routing_key="invoice.paid",
        reason="r",
        attempts=5,
    )

    assert properties.headers["x-trace"] == "abc"
    assert "x-delivery-count" not in properties.headers


def test_a_long_reason_is_cut_to_a_header_sized_length():
    properties = dead_letter_properties(
        original_properties(),
        consumer="kpi",
        routing_key="invoice.paid",
        reason="x" * (REASON_LENGTH * 3),
        attempts=1,
    )

    assert len(properties.headers[ERROR_HEADER]) == REASON_LENGTH
