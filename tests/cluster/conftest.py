"""A three-node RabbitMQ cluster of the module's own (devtools.rabbit_cluster, as `edquill
cluster start` runs it), and the system's moving parts on it: two relays and every consumer's
worker, as real processes whose EDQUILL_AMQP_URL lists the three nodes, the notifier's mail
going to an SMTP server of the module's own.

The nodes notice a silent peer within NET_TICKTIME s and the clients within about twice
HEARTBEAT s, instead of a minute each: the failovers fit the module's bounded run. The nodes
are stopped and their folders removed however the module ends.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from devtools.mailsink import MailSink
from devtools.ports import free_port
from devtools.rabbit_cluster import RabbitCluster
from devtools.rabbit_node import NodeUnavailable, unavailable_reason
from shared.queues import consumer_classes, declare_consumer_queues
from tests.support.cluster import purge_consumer_queues, school_known_to
from tests.support.processes import EdquillProcess, run_edquill, start_relay
from tests.support.waiting import wait_until

NODES = 3
NET_TICKTIME = 8
HEARTBEAT = "4"


@pytest.fixture(scope="module")
def rabbit_cluster():
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(f"no cluster of the test's own here: {reason}")
    folder = Path(tempfile.mkdtemp(prefix="edq-cluster-", dir="/tmp"))
    cluster = RabbitCluster.on_free_ports(
        folder, NODES, management=False, net_ticktime=NET_TICKTIME
    )
    try:
        cluster.start()
    except NodeUnavailable as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"the cluster did not come up: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop(remove=True)


@pytest.fixture(scope="module")
def cluster_settings(settings, rabbit_cluster):
    """The session's databases and exchange, on the cluster; its queues declared."""
    on_cluster = replace(settings, amqp_url=rabbit_cluster.amqp_url)
    declare_consumer_queues(on_cluster)
    return on_cluster


@pytest.fixture
def mail_sink(tmp_path):
    with MailSink(tmp_path / "mail") as sink:
        yield sink


class Workers:
    """Two relays and one worker per consumer on the cluster, each consumer serving metrics."""

    def __init__(self, settings, smtp_url: str):
        env = {"EDQUILL_BROKER_HEARTBEAT_SECONDS": HEARTBEAT, "EDQUILL_SMTP_URL": smtp_url}
        self.relays = [start_relay(settings, extra_env=env) for _ in range(2)]
        self.metrics_ports: dict[str, int] = {}
        self.consumers: dict[str, EdquillProcess] = {}
        for consumer in consumer_classes():
            port = free_port()
            self.metrics_ports[consumer.NAME] = port
            self.consumers[consumer.NAME] = EdquillProcess(
                settings, consumer.NAME, "worker", "--metrics-port", str(port), extra_env=env
            )
        for name, process in self.consumers.items():
            wait_until(
                lambda process=process: "starting" in process.output() or not process.running,
                timeout=60,
                what=f"the {name} worker to start",
            )
            assert process.running, process.output()

    @property
    def processes(self) -> list[EdquillProcess]:
        return [*self.relays, *self.consumers.values()]

    def stop(self) -> None:
        for process in self.processes:
            process.stop()


@pytest.fixture
def workers(cluster_settings, rabbit_cluster, clean_outbox, mail_sink):
    live = next(node for node in rabbit_cluster.nodes if node.accepts_amqp())
    purge_consumer_queues(cluster_settings, live.amqp_url)
    started = Workers(cluster_settings, mail_sink.url)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def school_id(cluster_settings, workers, registrar_db) -> int:
    """A school of the test's own, created as an operator does: every consumer has seen its
    school.created event (through the cluster) before the test's events refer to it."""
    slug = f"cluster-{free_port()}"
    done = run_edquill(cluster_settings, "school", "create", "--name", "Cluster", "--slug", slug)
    assert done.returncode == 0, done.stderr
    school = int(done.stdout.strip().splitlines()[-1])
    for consumer in consumer_classes():
        database = cluster_settings.database(consumer.SERVICE_DB)
        wait_until(
            lambda c=consumer, d=database: school_known_to(registrar_db, d, c.NAME, school),
            timeout=60,
            what=f"the {consumer.NAME} consumer to learn of the school",
        )
    return school
