"""deploy/docker-compose.cluster.yml turns compose's broker into a three-node cluster that every
EdQuill container fails over across (checked with `docker-compose config`; no engine needed)."""

from __future__ import annotations

import pytest
import yaml

from shared.broker_nodes import node_urls
from shared.paths import ROOT
from tests.unit.test_compose_file import (
    COMPOSE_FILE,
    REQUIRED_VARIABLES,
    edquill_services,
    needs_docker_compose,
    run_compose_config,
)

CLUSTER_FILE = ROOT / "deploy" / "docker-compose.cluster.yml"
CLUSTER_CONF = ROOT / "deploy" / "rabbitmq" / "cluster.conf"
NODES = ("rabbitmq", "rabbitmq-2", "rabbitmq-3")
COOKIE = {"RABBITMQ_ERLANG_COOKIE": "c" * 64}


def resolved(**variables: str) -> dict:
    done = run_compose_config(files=(COMPOSE_FILE, CLUSTER_FILE), **variables)
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)["services"]


def test_the_nodes_find_each_other_by_name_and_pause_a_minority():
    conf = CLUSTER_CONF.read_text()

    for number, node in enumerate(NODES, start=1):
        assert f"cluster_formation.classic_config.nodes.{number} = rabbit@{node}\n" in conf
    assert "cluster_partition_handling = pause_minority" in conf


@needs_docker_compose
def test_every_edquill_container_lists_the_three_nodes():
    services = resolved(**REQUIRED_VARIABLES, **COOKIE)

    for name, service in edquill_services(services).items():
        urls = node_urls(service["environment"]["EDQUILL_AMQP_URL"])
        assert [url.split("@")[1].split(":")[0] for url in urls] == list(NODES), name
        assert all(url.startswith("amqp://edquill:brokerpassword1@") for url in urls), name


@needs_docker_compose
def test_the_nodes_share_the_operators_cookie_and_keep_their_own_data():
    services = resolved(**REQUIRED_VARIABLES, **COOKIE)

    volumes = set()
    for node in NODES:
        assert services[node]["hostname"] == node
        assert services[node]["environment"]["RABBITMQ_ERLANG_COOKIE"] == "c" * 64
        data = [v for v in services[node]["volumes"] if ":/var/lib/rabbitmq:" in v]
        volumes.add(data[0].split(":")[0])
        # The cluster's settings reach every node, the first included.
        assert any(str(CLUSTER_CONF) in volume for volume in services[node]["volumes"]), node
    assert len(volumes) == len(NODES)


@needs_docker_compose
def test_the_queues_are_declared_once_every_node_answers():
    depends = resolved(**REQUIRED_VARIABLES, **COOKIE)["migrate"]["depends_on"]

    for node in NODES:
        assert depends[node]["condition"] == "service_healthy"


@needs_docker_compose
@pytest.mark.parametrize(
    "missing", ["RABBITMQ_DEFAULT_PASS", "RABBITMQ_DEFAULT_USER", "RABBITMQ_ERLANG_COOKIE"]
)
def test_the_cluster_refuses_to_start_without_its_cookie_or_broker_user(missing):
    variables = {**REQUIRED_VARIABLES, **COOKIE}
    variables.pop(missing)

    done = run_compose_config(files=(COMPOSE_FILE, CLUSTER_FILE), **variables)

    assert done.returncode != 0
    assert missing in done.stderr
