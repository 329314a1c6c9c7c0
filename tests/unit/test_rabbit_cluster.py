"""`edquill cluster`'s nodes as configured, and its refusals (no node is started here)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from devtools.rabbit_cluster import STATE_FILE, RabbitCluster, cluster_command


def test_each_node_has_its_own_name_ports_and_folder_and_pauses_in_a_minority(tmp_path):
    cluster = RabbitCluster.on_free_ports(tmp_path, 3, net_ticktime=8)

    specs = [node.spec for node in cluster.nodes]
    assert len({spec.name for spec in specs}) == 3
    ports = [p for spec in specs for p in (spec.amqp_port, spec.dist_port, spec.management_port)]
    assert len(set(ports)) == 9
    assert len({spec.base for spec in specs}) == 3
    config = cluster.nodes[0]._config()
    assert "cluster_partition_handling = pause_minority" in config
    assert f"management.tcp.port = {specs[0].management_port}" in config


def test_the_url_lists_every_node():
    cluster = RabbitCluster.on_free_ports(Path("/nonexistent"), 2)

    urls = cluster.amqp_url.split(",")
    assert [url.split(":")[3].split("/")[0] for url in urls] == [
        str(node.spec.amqp_port) for node in cluster.nodes
    ]


def test_stop_without_a_started_cluster_says_so(tmp_path):
    done = CliRunner().invoke(cluster_command, ["stop", "--dir", str(tmp_path)])

    assert done.exit_code != 0
    assert "no cluster was started in" in done.output


def test_start_refuses_a_folder_that_already_holds_a_cluster(tmp_path):
    (tmp_path / STATE_FILE).write_text("[]")

    done = CliRunner().invoke(cluster_command, ["start", "--dir", str(tmp_path)])

    assert done.exit_code != 0
    assert "edquill cluster stop" in done.output
