"""EDQUILL_AMQP_URL as a cluster's node list, failing over between its nodes, and the quorum
queues' replication group (no broker)."""

from __future__ import annotations

import pytest

from shared.broker import ConsumerTopology
from shared.broker_nodes import BrokerKnobs, NodeRotation, node_urls
from shared.config import Settings
from shared.config_error import ConfigError

NODES = "amqp://u:p@10.0.0.1:5672/%2F, amqp://u:p@10.0.0.2:5673/%2F,amqp://u:p@10.0.0.3/%2F"


def test_a_comma_separated_url_names_each_node_in_order():
    assert node_urls(NODES) == (
        "amqp://u:p@10.0.0.1:5672/%2F",
        "amqp://u:p@10.0.0.2:5673/%2F",
        "amqp://u:p@10.0.0.3/%2F",
    )


@pytest.mark.parametrize("value", ["", " , ", "amqp://a/%2F,http://b/", "amqp://a,rabbit"])
def test_a_list_with_a_bad_node_is_refused_naming_it(value):
    with pytest.raises(ConfigError, match="EDQUILL_AMQP_URL"):
        Settings.from_env({"EDQUILL_ENV": "development", "EDQUILL_AMQP_URL": value})


def test_a_rotation_moves_to_the_next_node_after_a_failure_and_wraps_around():
    rotation = NodeRotation(node_urls(NODES), rand=lambda: 0.5)

    seen = [rotation.current_address] + [
        (rotation.fail_over(), rotation.current_address)[1] for _ in range(3)
    ]

    assert seen == ["10.0.0.2:5673", "10.0.0.3:5672", "10.0.0.1:5672", "10.0.0.2:5673"]


def test_log_addresses_never_carry_the_credentials():
    rotation = NodeRotation(node_urls(NODES), rand=lambda: 0.0)

    assert "p@" not in rotation.current_address
    assert rotation.current_address == "10.0.0.1:5672"


def test_the_group_spans_the_cluster_unless_the_knob_says_otherwise():
    development = {"EDQUILL_ENV": "development"}

    single = Settings.from_env(development)
    cluster = Settings.from_env({**development, "EDQUILL_AMQP_URL": NODES})
    pinned = Settings.from_env(
        {**development, "EDQUILL_AMQP_URL": NODES, "EDQUILL_BROKER_QUORUM_GROUP_SIZE": "5"}
    )

    assert single.quorum_group_size is None
    assert cluster.quorum_group_size == 3
    assert pinned.quorum_group_size == 5


@pytest.mark.parametrize(
    "variable, value",
    [
        ("EDQUILL_BROKER_QUORUM_GROUP_SIZE", "-1"),
        ("EDQUILL_BROKER_QUORUM_GROUP_SIZE", "three"),
        ("EDQUILL_BROKER_HEARTBEAT_SECONDS", "0"),
    ],
)
def test_bad_broker_knobs_stop_the_start_naming_the_variable(variable, value):
    with pytest.raises(ConfigError, match=variable):
        BrokerKnobs.from_env({variable: value})


def test_a_single_nodes_queues_keep_their_declaration_a_clusters_get_a_group_size():
    def arguments(group_size):
        return ConsumerTopology.of(
            "edquill.events", "kpi", ("selfreg.#",), 20, group_size
        ).queue_arguments()

    assert "x-quorum-initial-group-size" not in arguments(None)
    assert arguments(3)["x-quorum-initial-group-size"] == 3
    assert arguments(3)["x-queue-type"] == "quorum"
