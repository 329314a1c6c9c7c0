"""The base consumer against the real MariaDB and RabbitMQ: idempotency, retries,
dead-lettering, order, and recovery from lost connections (through a real TCP proxy)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import pytest

from shared import db
from shared.broker import TopologyConflict
from shared.config_error import ConfigError
from shared.consumer import Consumer
from shared.dead_letters import ATTEMPTS_HEADER, ERROR_HEADER
from shared.events import Event
from shared.paths import ROOT
from tests.support.consumers import (
    ConsumerQueues,
    ConsumerThread,
    EffectTable,
    outcomes,
    reconnects,
    recording_consumer_class,
)
from tests.support.servers import environment
from tests.support.tcp_proxy import TcpProxy
from tests.support.waiting import stays_true, wait_until


def submitted(registration_id: int) -> Event:
    return Event.new(
        "selfreg.submitted",
        school_id=1,
        aggregate_id=registration_id,
        payload={"registration_id": registration_id, "status": "pending"},
    )


def status_updated(registration_id: int, from_status: str, to_status: str) -> Event:
    return Event.new(
        "selfreg.status.updated",
        school_id=1,
        aggregate_id=registration_id,
        payload={
            "registration_id": registration_id,
            "from_status": from_status,
            "to_status": to_status,
        },
    )


@dataclass
class Running:
    consumer: Consumer
    queues: ConsumerQueues
    thread: ConsumerThread

    def stop(self) -> None:
        self.thread.stop()


@pytest.fixture
def consumer_settings(settings):
    """The session's servers and databases, with an exchange of this test's own: no other
    test's events reach its queues."""
    return replace(settings, exchange=f"{settings.exchange}.{secrets.token_hex(3)}")


@pytest.fixture
def effects(settings):
    table = EffectTable(settings).create()
    yield table
    table.drop()


@pytest.fixture
def start_consumer(consumer_settings, effects):
    """Start a recording consumer with a name (and queue) of its own, in a thread."""
    started: list[Running] = []

    def start(behaviour=None, *, via_settings=None, **constants) -> Running:
        consumer_class = recording_consumer_class(f"t{secrets.token_hex(4)}", **constants)
        consumer = consumer_class(via_settings or consumer_settings, effects, behaviour)
        queues = ConsumerQueues(consumer_settings.amqp_url, consumer.topology)
        running = Running(consumer, queues, ConsumerThread(consumer).start())
        started.append(running)
        return running

    yield start
    for running in started:
        try:
            running.stop()
        finally:
            running.queues.delete()


@pytest.fixture
def broker_proxy(settings):
    parts = urlsplit(settings.amqp_url)
    with TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672) as proxy:
        yield proxy


@pytest.fixture
def database_proxy(settings):
    server = settings.mysql
    with TcpProxy(server.host, server.port) as proxy:
        yield proxy


def _through(url: str, proxy: TcpProxy) -> str:
    parts = urlsplit(url)
    credentials, at, _address = parts.netloc.rpartition("@")
    return parts._replace(netloc=f"{credentials}{at}127.0.0.1:{proxy.port}").geturl()


# -- handled once ------------------------------------------------------------------------------


def test_a_published_event_is_handled_once_and_acked(start_consumer, effects):
    running = start_consumer()
    event = submitted(1)

    running.queues.publish_event(event)
    wait_until(lambda: effects.count(event.event_id) == 1, what="the event's effect")
    running.stop()  # anything still unacked would go back to the queue now

    assert running.queues.ready_messages() == 0
    assert running.queues.dead_letters(1, timeout=0.2) == []
    assert outcomes(running.consumer) == {"handled": 1}


def test_the_same_event_published_twice_has_one_effect(start_consumer, effects):
    running = start_consumer()
    event = submitted(2)

    running.queues.publish_event(event)
    running.queues.publish_event(event)
    wait_until(
        lambda: outcomes(running.consumer).get("duplicate") == 1,
        what="the second copy to be skipped",
    )

    assert effects.count(event.event_id) == 1
    assert running.consumer.calls == [event.event_id]
    assert outcomes(running.consumer) == {"handled": 1, "duplicate": 1}


def test_a_redelivery_after_a_rolled_back_attempt_has_one_effect(start_consumer, effects):
    def fail_first_attempt(_event, _cursor, call):
        if call == 1:
            raise RuntimeError("the first attempt fails after writing its effect")

    running = start_consumer(fail_first_attempt)
    event = submitted(3)

    running.queues.publish_event(event)
    wait_until(lambda: outcomes(running.consumer).get("handled") == 1, what="the retry")

    assert running.consumer.calls == [event.event_id, event.event_id]
    assert effects.count(event.event_id) == 1
    assert outcomes(running.consumer) == {"retried": 1, "handled": 1}


def test_an_effect_committed_before_its_ack_was_lost_is_not_repeated(
    consumer_settings, start_consumer, effects, broker_proxy
):
    def lose_the_broker_before_the_ack(_event, _cursor, call):
        if call == 1:
            broker_proxy.drop_connections()  # the commit goes ahead; the ack cannot

    running = start_consumer(
        lose_the_broker_before_the_ack,
        via_settings=replace(
            consumer_settings, amqp_url=_through(consumer_settings.amqp_url, broker_proxy)
        ),
    )
    event = submitted(4)

    running.queues.publish_event(event)
    wait_until(
        lambda: outcomes(running.consumer).get("duplicate") == 1,
        what="the redelivered event to be recognised",
        timeout=15,
    )

    assert running.consumer.calls == [event.event_id]
    assert effects.count(event.event_id) == 1
    assert reconnects(running.consumer, "broker") >= 1


# -- order -------------------------------------------------------------------------------------


def test_events_of_one_registration_are_handled_in_order_across_a_retry(start_consumer, effects):
    first = submitted(5)

    def fail_the_first_event_once(event, _cursor, call):
        if event.event_id == first.event_id and call == 1:
            raise RuntimeError("transient trouble")

    running = start_consumer(fail_the_first_event_once)
    events = [
        first,
        status_updated(5, "pending", "in_review"),
        status_updated(5, "in_review", "approved"),
    ]

    for event in events:
        running.queues.publish_event(event)
    wait_until(lambda: len(effects.event_ids()) == 3, what="three effects")

    assert effects.event_ids() == [event.event_id for event in events]


def test_a_second_worker_on_a_queue_stands_by_and_takes_over_in_order_when_the_first_goes(
    consumer_settings, effects
):
    def take_a_moment(_event, _cursor, _call):
        time.sleep(0.01)  # long enough that a second consumer, if it competed, would get some

    consumer_class = recording_consumer_class(f"t{secrets.token_hex(4)}")
    active = consumer_class(consumer_settings, effects, take_a_moment)
    standby = consumer_class(consumer_settings, effects)
    queues = ConsumerQueues(consumer_settings.amqp_url, active.topology)
    threads = [ConsumerThread(active).start()]
    try:
        wait_until(lambda: queues.consumer_count() == 1, what="the first worker consuming")
        threads.append(ConsumerThread(standby).start())
        # A consumer standing by is not in the queue's consumer count: its channel tells.
        wait_until(lambda: standby._channel.connected, what="the second worker standing by")
        while_both = [status_updated(n % 8, "pending", "in_review") for n in range(40)]
        for event in while_both:
            queues.publish_event(event)
        wait_until(lambda: len(effects.event_ids()) == 40, what="the events handled")

        threads[0].stop()
        after_the_first = [status_updated(n % 8, "in_review", "approved") for n in range(10)]
        for event in after_the_first:
            queues.publish_event(event)
        wait_until(lambda: len(effects.event_ids()) == 50, what="the standby to take over")
    finally:
        for thread in threads:
            thread.stop()
        queues.delete()

    assert len(active.calls) == 40 and standby.calls == [e.event_id for e in after_the_first]
    assert effects.event_ids() == [e.event_id for e in while_both + after_the_first]


# -- bad input and failing handlers ------------------------------------------------------------

MALFORMED = {
    "not JSON": (b"{not json", "selfreg.submitted", "body is not JSON"),
    "missing fields": (
        json.dumps({"event_id": "1", "event_type": "selfreg.submitted"}).encode(),
        "selfreg.submitted",
        "envelope lacks",
    ),
    "unknown type": (
        json.dumps(
            {**json.loads(submitted(6).to_json()), "event_type": "selfreg.teleported"}
        ).encode(),
        "selfreg.teleported",
        "unknown event type",
    ),
}


@pytest.mark.parametrize("body, routing_key, reason", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_message_is_dead_lettered_with_the_reason_and_the_consumer_goes_on(
    start_consumer, effects, body, routing_key, reason
):
    running = start_consumer()
    good = submitted(7)

    running.queues.publish(body, routing_key, message_id="bad-1")
    running.queues.publish_event(good)
    wait_until(lambda: effects.count(good.event_id) == 1, what="the good event after the bad")
    [(properties, dead_body)] = running.queues.dead_letters(1)

    assert dead_body == body
    assert properties.message_id == "bad-1"
    assert reason in properties.headers[ERROR_HEADER]
    assert outcomes(running.consumer) == {"dead_lettered": 1, "handled": 1}


def test_a_handler_that_keeps_failing_is_retried_a_bounded_number_of_times_then_dead_lettered(
    start_consumer, effects
):
    poison, good = submitted(13), submitted(8)

    def fail_on_registration_13(event, _cursor, _call):
        if event.aggregate_id == 13:
            raise RuntimeError("no template for school 1")

    running = start_consumer(fail_on_registration_13, HANDLER_ATTEMPTS=3)
    running.queues.publish_event(poison)
    running.queues.publish_event(good)
    [(properties, body)] = running.queues.dead_letters(1)
    wait_until(lambda: effects.count(good.event_id) == 1, what="the next event to be handled")

    assert json.loads(body)["event_id"] == poison.event_id
    assert properties.headers[ERROR_HEADER] == (
        "handler failed after 3 attempts: RuntimeError: no template for school 1"
    )
    assert properties.headers[ATTEMPTS_HEADER] == 3
    assert running.consumer.calls.count(poison.event_id) == 3
    assert effects.count(poison.event_id) == 0
    assert outcomes(running.consumer) == {"retried": 2, "dead_lettered": 1, "handled": 1}


@pytest.fixture
def held_row_id(settings, effects) -> int:
    """A row of the effect table locked by another transaction for the whole test (by its
    primary key, so the lock covers that row only and new effect rows still go in)."""
    connection = db.connect(settings, "kpi")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO `{effects.name}` (event_id, event_type, aggregate_id) "
            "VALUES ('held', 'lock', 0)"
        )
        row_id = cursor.lastrowid
    connection.begin()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM `{effects.name}` WHERE id = %s FOR UPDATE", (row_id,))
    yield row_id
    connection.rollback()
    connection.close()


def test_a_lock_that_is_never_released_is_retried_up_to_the_delivery_limit_then_dead_lettered(
    start_consumer, effects, held_row_id
):
    def wait_for_the_held_row(_event, cursor, _call):
        cursor.execute("SET SESSION innodb_lock_wait_timeout = 1")
        cursor.execute(f"SELECT id FROM `{effects.name}` WHERE id = %s FOR UPDATE", (held_row_id,))

    running = start_consumer(wait_for_the_held_row, DELIVERY_LIMIT=2, HANDLER_ATTEMPTS=2)
    event = submitted(9)

    running.queues.publish_event(event)
    [(properties, _body)] = running.queues.dead_letters(1, timeout=15)

    assert properties.headers[ERROR_HEADER].startswith(
        "transient database error after 2 attempts: OperationalError: (1205"
    )
    assert effects.count(event.event_id) == 0
    assert outcomes(running.consumer) == {"retried": 1, "dead_lettered": 1}


# -- lost connections --------------------------------------------------------------------------


def test_the_consumer_recovers_after_its_broker_connection_is_cut(
    consumer_settings, start_consumer, effects, broker_proxy
):
    running = start_consumer(
        via_settings=replace(
            consumer_settings, amqp_url=_through(consumer_settings.amqp_url, broker_proxy)
        )
    )
    before, during = submitted(10), submitted(11)
    running.queues.publish_event(before)
    wait_until(lambda: effects.count(before.event_id) == 1, what="the first event")

    broker_proxy.cut()
    running.queues.publish_event(during)
    stalled = stays_true(lambda: effects.count(during.event_id) == 0, duration=0.5)
    broker_proxy.restore()
    wait_until(lambda: effects.count(during.event_id) == 1, what="the event sent while cut off")

    assert stalled
    assert reconnects(running.consumer, "broker") >= 1


def test_a_database_that_goes_away_mid_message_leaves_it_unacked_until_the_database_returns(
    consumer_settings, start_consumer, effects, database_proxy
):
    def lose_the_database_before_the_commit(_event, _cursor, call):
        if call == 1:
            database_proxy.cut()

    running = start_consumer(
        lose_the_database_before_the_commit,
        via_settings=replace(
            consumer_settings, mysql_url=_through(consumer_settings.mysql_url, database_proxy)
        ),
    )
    event = submitted(12)

    running.queues.publish_event(event)
    wait_until(lambda: running.consumer.calls, what="the first attempt")
    nothing_yet = stays_true(lambda: effects.count(event.event_id) == 0, duration=1.0)
    database_proxy.restore()
    wait_until(lambda: effects.count(event.event_id) == 1, what="the effect once it is back")

    assert nothing_yet
    assert running.queues.dead_letters(1, timeout=0.2) == []
    assert running.consumer.calls == [event.event_id, event.event_id]
    assert outcomes(running.consumer) == {"retried": 1, "handled": 1}
    assert reconnects(running.consumer, "database") >= 1


# -- stopping ----------------------------------------------------------------------------------


def test_sigterm_stops_a_worker_after_it_finishes_the_message_in_hand(
    consumer_settings, effects, tmp_path
):
    name, marker = f"t{secrets.token_hex(4)}", tmp_path / "in-hand"
    topology = recording_consumer_class(name)(consumer_settings, effects).topology
    queues = ConsumerQueues(consumer_settings.amqp_url, topology)
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.support.consumer_worker", name, effects.name, str(marker)],
        env={**environment(consumer_settings), "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        event = submitted(14)
        queues.publish_event(event)
        wait_until(marker.exists, what="the worker to take the message", timeout=15)
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)

        assert worker.returncode == 0, output
        assert effects.count(event.event_id) == 1
        assert queues.ready_messages() == 0
        assert "SIGTERM received" in output
    finally:
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
        queues.delete()


def test_a_consumer_whose_database_has_no_inbox_stops_at_start_saying_so(
    consumer_settings, effects
):
    consumer_class = recording_consumer_class(f"t{secrets.token_hex(4)}", SERVICE_DB="registrar")
    thread = ConsumerThread(consumer_class(consumer_settings, effects)).start()
    wait_until(lambda: not thread.alive, what="the consumer to give up")

    with pytest.raises(ConfigError, match="no t_event_inbox: run `edquill migrate`"):
        thread.stop()


def test_a_queue_declared_with_other_arguments_stops_the_consumer_instead_of_retrying(
    consumer_settings, effects
):
    name = f"t{secrets.token_hex(4)}"
    earlier = recording_consumer_class(name, DELIVERY_LIMIT=7)(consumer_settings, effects)
    queues = ConsumerQueues(consumer_settings.amqp_url, earlier.topology)
    try:
        thread = ConsumerThread(recording_consumer_class(name)(consumer_settings, effects))
        thread.start()
        wait_until(lambda: not thread.alive, what="the consumer to give up")

        with pytest.raises(TopologyConflict, match="PRECONDITION_FAILED"):
            thread.stop()
    finally:
        queues.delete()


# -- a cluster's nodes -------------------------------------------------------------------------


@pytest.fixture
def second_broker_proxy(settings):
    parts = urlsplit(settings.amqp_url)
    with TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672) as proxy:
        yield proxy


def test_a_consumer_fails_over_to_the_next_listed_node_and_back(
    consumer_settings, start_consumer, effects, broker_proxy, second_broker_proxy
):
    # Two "nodes" (proxies to one broker): wherever the consumer starts, each cut leaves it
    # one node, and it must find it to handle the next event.
    nodes = [
        _through(consumer_settings.amqp_url, proxy) for proxy in (broker_proxy, second_broker_proxy)
    ]
    running = start_consumer(via_settings=replace(consumer_settings, amqp_url=",".join(nodes)))
    first, second = submitted(41), submitted(42)

    broker_proxy.cut()
    running.queues.publish_event(first)
    wait_until(lambda: effects.count(first.event_id) == 1, what="the first event", timeout=20)
    broker_proxy.restore()
    second_broker_proxy.cut()
    running.queues.publish_event(second)
    wait_until(lambda: effects.count(second.event_id) == 1, what="the second event", timeout=20)

    assert reconnects(running.consumer, "broker") >= 1
    assert outcomes(running.consumer) == {"handled": 2}
