"""The relay losing things it depends on: its own process (SIGKILL), the database, the broker.
Every event committed before, during and after must still arrive."""

from __future__ import annotations

import signal
import time
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.support.broker import can_restart_local_broker, local_broker_stopped
from tests.support.outbox import (
    SteadyProducer,
    arrived_ids,
    count_rows,
    event_ids_by_aggregate,
    first_arrival_order,
    insert_outbox_rows,
    interleaved_status_events,
    partitions_by_owner,
    partitions_of,
    pause_holding_a_claimed_batch,
)
from tests.support.tcp_proxy import TcpProxy
from tests.support.waiting import wait_until


def _events(connection, aggregates, per_aggregate: int = 1) -> list[str]:
    return insert_outbox_rows(connection, interleaved_status_events(aggregates, per_aggregate))


# -- a relay killed ------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_relay_killed_mid_batch_loses_nothing_its_partitions_pass_to_the_survivor(
    registrar_db, selfreg_probe, relays
):
    doomed, survivor = relays("--lease-seconds", "2"), relays("--lease-seconds", "2")
    wait_until(
        lambda: sorted(partitions_by_owner(registrar_db).values()) == [8, 8],
        what="the two relays to share the partitions",
    )
    backlog = _events(registrar_db, range(1, 801), per_aggregate=10)

    pause_holding_a_claimed_batch(doomed, registrar_db)
    doomed.kill()
    arrivals = selfreg_probe.collect(backlog, timeout=60)

    assert set(backlog) - arrived_ids(arrivals) == set()
    # Its claimed rows, re-published by the survivor, are settled too: nothing left behind.
    wait_until(lambda: count_rows(registrar_db, "unprocessed") == 0, what="the outbox to drain")
    assert partitions_of(registrar_db, survivor.pid) == 16


# -- the database or the broker goes away -----------------------------------------------------


def _url_through(url: str, proxy: TcpProxy) -> str:
    """The same server URL (credentials, vhost and all), but by way of the proxy."""
    parts = urlsplit(url)
    credentials, at, _address = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{credentials}{at}127.0.0.1:{proxy.port}"))


@pytest.fixture
def database_proxy(settings):
    server = settings.mysql
    with TcpProxy(server.host, server.port) as proxy:
        yield proxy


@pytest.fixture
def relay_behind_database_proxy(settings, relays, database_proxy):
    return relays(extra_env={"EDQUILL_MYSQL_URL": _url_through(settings.mysql_url, database_proxy)})


@pytest.fixture
def broker_proxy(settings):
    parts = urlsplit(settings.amqp_url)
    with TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672) as proxy:
        yield proxy


@pytest.fixture
def relay_behind_broker_proxy(settings, relays, broker_proxy):
    return relays(extra_env={"EDQUILL_AMQP_URL": _url_through(settings.amqp_url, broker_proxy)})


def _cut_mid_batch(relay, proxy: TcpProxy, connection) -> None:
    """Cut the proxy while the relay holds a claimed batch (paused, so it cannot finish it)."""
    pause_holding_a_claimed_batch(relay, connection)
    proxy.cut()
    relay.send_signal(signal.SIGCONT)


def _wait_for_log(relay, text: str) -> None:
    # The outage lasts until the relay has run into it, however its timing falls.
    wait_until(lambda: text in relay.output(), what=f"the relay to log {text!r}")


def test_while_its_database_is_cut_off_the_relay_publishes_nothing_then_catches_up(
    registrar_db, selfreg_probe, database_proxy, relay_behind_database_proxy
):
    before = _events(registrar_db, range(1, 51))
    assert set(before) <= arrived_ids(selfreg_probe.collect(before, timeout=15))

    database_proxy.cut()
    during = _events(registrar_db, range(1, 51))
    _wait_for_log(relay_behind_database_proxy, "database unavailable")
    stalled = selfreg_probe.take(1, timeout=1.0)
    database_proxy.restore()
    arrivals = selfreg_probe.collect(during, timeout=30)

    assert stalled == [], "events flowed while the relay's database was cut off"
    assert set(during) - arrived_ids(arrivals) == set()


def test_losing_the_database_mid_batch_loses_nothing(
    registrar_db, selfreg_probe, database_proxy, relay_behind_database_proxy
):
    backlog = _events(registrar_db, range(1, 301), per_aggregate=10)

    _cut_mid_batch(relay_behind_database_proxy, database_proxy, registrar_db)
    during = _events(registrar_db, range(1, 301))
    _wait_for_log(relay_behind_database_proxy, "database unavailable")
    database_proxy.restore()
    arrivals = selfreg_probe.collect(backlog + during, timeout=60)

    assert set(backlog + during) - arrived_ids(arrivals) == set()


def test_while_its_broker_is_cut_off_the_relay_publishes_nothing_then_catches_up(
    registrar_db, selfreg_probe, broker_proxy, relay_behind_broker_proxy
):
    before = _events(registrar_db, range(1, 51))
    assert set(before) <= arrived_ids(selfreg_probe.collect(before, timeout=15))

    broker_proxy.cut()
    during = _events(registrar_db, range(1, 51))
    _wait_for_log(relay_behind_broker_proxy, "broker unavailable")
    stalled = selfreg_probe.take(1, timeout=1.0)
    broker_proxy.restore()
    arrivals = selfreg_probe.collect(during, timeout=30)

    assert stalled == [], "events flowed while the relay's broker was cut off"
    assert set(during) - arrived_ids(arrivals) == set()


# Reconnect waits double from 0.2 s up to 10 s: after this many failed attempts the relay is in
# a wait of several seconds (6.4 s less at most 20 % jitter), which a stop must cut short.
FAILURES_BEFORE_A_LONG_WAIT = 6
# A prompt exit: the stop, one quick failed attempt to settle and give back, and the exit.
PROMPT_EXIT_SECONDS = 2.5


def _stopped_during_outage(relay, proxy: TcpProxy, complaint: str) -> float:
    """Cut the relay off, wait until it is deep in its back-off, SIGTERM it: seconds to exit."""
    wait_until(lambda: "starting" in relay.output(), what="the relay to start")
    proxy.cut()
    wait_until(
        lambda: relay.output().count(complaint) >= FAILURES_BEFORE_A_LONG_WAIT,
        timeout=30,
        what=f"{FAILURES_BEFORE_A_LONG_WAIT} failed reconnects",
    )
    started = time.monotonic()
    relay.terminate(timeout=30)
    return time.monotonic() - started


def test_sigterm_during_a_database_outage_stops_the_relay_at_once(
    database_proxy, relay_behind_database_proxy
):
    seconds = _stopped_during_outage(
        relay_behind_database_proxy, database_proxy, "database unavailable"
    )

    assert seconds < PROMPT_EXIT_SECONDS
    assert relay_behind_database_proxy.returncode == 0
    assert "stopped" in relay_behind_database_proxy.output()


def test_sigterm_during_a_broker_outage_stops_the_relay_at_once(
    broker_proxy, relay_behind_broker_proxy
):
    seconds = _stopped_during_outage(relay_behind_broker_proxy, broker_proxy, "broker unavailable")

    assert seconds < PROMPT_EXIT_SECONDS
    assert relay_behind_broker_proxy.returncode == 0
    assert "stopped" in relay_behind_broker_proxy.output()


@pytest.fixture
def broker_lost_mid_batch(registrar_db, selfreg_probe, broker_proxy, relay_behind_broker_proxy):
    """A backlog, the broker lost while a batch is in flight, more events, the broker back:
    returns (each aggregate's events in commit order, every message that arrived)."""
    backlog = _events(registrar_db, range(1, 301), per_aggregate=10)
    _cut_mid_batch(relay_behind_broker_proxy, broker_proxy, registrar_db)
    during = _events(registrar_db, range(1, 301))
    _wait_for_log(relay_behind_broker_proxy, "broker unavailable")
    broker_proxy.restore()
    arrivals = selfreg_probe.collect(backlog + during, timeout=60)
    return event_ids_by_aggregate(registrar_db), arrivals


def test_losing_the_broker_mid_batch_loses_nothing(broker_lost_mid_batch):
    committed, arrivals = broker_lost_mid_batch
    every_event = {event_id for events in committed.values() for event_id in events}

    assert every_event - arrived_ids(arrivals) == set()


def test_losing_the_broker_mid_batch_keeps_each_registrations_events_in_order(
    broker_lost_mid_batch,
):
    committed, arrivals = broker_lost_mid_batch

    assert first_arrival_order(arrivals) == committed


def test_losing_the_broker_mid_batch_costs_no_event_an_attempt(registrar_db, broker_lost_mid_batch):
    with registrar_db.cursor() as cursor:
        cursor.execute("SELECT attempts, COUNT(*) AS n FROM t_event_outbox GROUP BY attempts")
        attempts = {record["attempts"]: record["n"] for record in cursor.fetchall()}

    assert list(attempts) == [0]
    assert count_rows(registrar_db, "dead") == 0


@pytest.mark.slow
def test_a_broker_restart_while_events_keep_coming_loses_nothing(
    settings, registrar_db, selfreg_probe, relays
):
    if not can_restart_local_broker(settings):
        pytest.skip("needs the machine's own RabbitMQ and rabbitmqctl")
    relay = relays()
    with SteadyProducer(settings, aggregates=range(1, 201)) as producer:
        wait_until(
            lambda: count_rows(registrar_db, "processed") > 0,
            what="the relay to publish before the restart",
        )
        with local_broker_stopped():
            produced_before_outage = len(producer.event_ids)
            wait_until(
                lambda: "broker unavailable" in relay.output(),
                what="the relay to run into the outage",
            )
            wait_until(
                lambda: len(producer.event_ids) > produced_before_outage + 100,
                what="events committed during the outage",
            )
        produced_before_restart = len(producer.event_ids)
        wait_until(
            lambda: len(producer.event_ids) > produced_before_restart + 100,
            what="events committed after the restart",
        )
    produced = producer.event_ids

    selfreg_probe.reconnect()
    arrivals = selfreg_probe.collect(produced, timeout=90)

    assert set(produced) - arrived_ids(arrivals) == set()


# -- a cluster's nodes -------------------------------------------------------------------------


@pytest.fixture
def second_broker_proxy(settings):
    parts = urlsplit(settings.amqp_url)
    with TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672) as proxy:
        yield proxy


def test_the_relay_fails_over_to_the_next_listed_node_and_back(
    settings, registrar_db, selfreg_probe, relays, broker_proxy, second_broker_proxy
):
    # Two "nodes" (proxies to one broker): wherever the relay starts, each cut leaves it one
    # node, and it must find it for the events committed meanwhile to arrive.
    proxies = (broker_proxy, second_broker_proxy)
    nodes = [_url_through(settings.amqp_url, proxy) for proxy in proxies]
    relays(extra_env={"EDQUILL_AMQP_URL": ",".join(nodes)})

    broker_proxy.cut()
    first = _events(registrar_db, range(1, 51))
    assert set(first) - arrived_ids(selfreg_probe.collect(first, timeout=30)) == set()
    broker_proxy.restore()
    second_broker_proxy.cut()
    second = _events(registrar_db, range(1, 51))
    assert set(second) - arrived_ids(selfreg_probe.collect(second, timeout=30)) == set()
