"""A RabbitMQ cluster on this machine: `edquill cluster start` boots N nodes of our own
(devtools.rabbit_node), joins them into one cluster and prints EDQUILL_AMQP_URL for it;
`edquill cluster stop` stops them. For trying failover by hand and for the cluster tests.

The nodes are booted side by side, then each joins the first (stop_app, join_cluster,
start_app): a join cannot race another node's boot. The folder keeps each node's data and
cluster.json (names, ports), so `stop` finds the nodes and a stopped node started again
(`RabbitCluster.node(i).start()`) rejoins with its data.
"""

from __future__ import annotations

import json
import shutil
import signal
from pathlib import Path

import click

from devtools.ports import free_port
from devtools.rabbit_node import NodeSpec, NodeUnavailable, RabbitNode
from shared.paths import ROOT

DEFAULT_DIRECTORY = ROOT / "var" / "cluster"
STATE_FILE = "cluster.json"


class RabbitCluster:
    """Nodes sharing one folder: `start()` boots and clusters them, `stop()` ends them."""

    def __init__(self, directory: Path, nodes: list[RabbitNode]):
        self.directory = directory
        self.nodes = nodes

    @classmethod
    def on_free_ports(
        cls, directory: Path, size: int, *, management: bool = True, net_ticktime: int = 60
    ) -> "RabbitCluster":
        if size < 1:
            raise ValueError("a cluster has at least one node")
        nodes = []
        for index in range(1, size + 1):
            amqp_port = free_port()
            nodes.append(
                RabbitNode(
                    NodeSpec(
                        name=f"edq{index}-{amqp_port}@localhost",
                        amqp_port=amqp_port,
                        dist_port=free_port(),
                        management_port=free_port() if management else 0,
                        metrics_port=0,
                        base=str(directory / f"node{index}"),
                        net_ticktime=net_ticktime,
                    )
                )
            )
        return cls(directory, nodes)

    @classmethod
    def from_directory(cls, directory: Path) -> "RabbitCluster":
        """The cluster last started in `directory` (its cluster.json)."""
        try:
            specs = json.loads((directory / STATE_FILE).read_text())
        except FileNotFoundError:
            raise NodeUnavailable(f"no cluster was started in {directory}") from None
        return cls(directory, [RabbitNode(NodeSpec(**spec)) for spec in specs])

    @property
    def amqp_url(self) -> str:
        """EDQUILL_AMQP_URL for the cluster: every node, comma-separated."""
        return ",".join(node.amqp_url for node in self.nodes)

    def start(self) -> None:
        """Boot every node, join them to the first, wait until each says so. On a failure
        every node started so far is stopped again."""
        self.directory.mkdir(parents=True, exist_ok=True)
        # The nodes run as the rabbitmq user: they must reach their folders inside this one
        # (a mkdtemp folder is the creator's alone).
        self.directory.chmod(0o755)
        (self.directory / STATE_FILE).write_text(
            json.dumps([node.spec.to_json() for node in self.nodes], indent=2)
        )
        try:
            for node in self.nodes:
                node.start()
            for node in self.nodes:
                node.wait_ready()
            first, *others = self.nodes
            for node in others:
                node.ctl("stop_app")
                node.ctl("join_cluster", first.name)
                node.ctl("start_app")
                node.wait_ready()
            for node in self.nodes:
                node.ctl("await_startup")
        except BaseException:
            self.stop()
            raise

    def running_nodes(self, asking: RabbitNode | None = None) -> set[str]:
        """The nodes that `asking` (the first by default) sees running in its cluster."""
        status = json.loads((asking or self.nodes[0]).ctl("cluster_status", "--formatter", "json"))
        return set(status.get("running_nodes", []))

    def stop(self, remove: bool = False) -> None:
        """Stop every node (SIGKILL past a timeout); `remove` deletes the folder too."""
        # All asked at once: one by one, each would wait for the others' quorum to sync.
        for node in self.nodes:
            node.signal(signal.SIGCONT)
            node.signal(signal.SIGTERM)
        for node in self.nodes:
            node.stop()
        if remove:
            shutil.rmtree(self.directory, ignore_errors=True)


@click.group("cluster")
def cluster_command() -> None:
    """A RabbitMQ cluster of nodes of our own on this machine (for trying failover)."""


@cluster_command.command("start")
@click.option("--nodes", "size", default=3, show_default=True, type=click.IntRange(1, 9))
@click.option(
    "--dir",
    "directory",
    default=str(DEFAULT_DIRECTORY),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the nodes keep their data and logs.",
)
def cluster_start(size: int, directory: Path) -> None:
    """Start SIZE clustered nodes and print EDQUILL_AMQP_URL for them (last line)."""
    if (directory / STATE_FILE).exists():
        raise click.ClickException(
            f"a cluster was already started in {directory}: `edquill cluster stop` first"
        )
    cluster = RabbitCluster.on_free_ports(directory.resolve(), size)
    try:
        cluster.start()
    except NodeUnavailable as exc:
        shutil.rmtree(directory, ignore_errors=True)
        raise click.ClickException(str(exc)) from None
    for node in cluster.nodes:
        click.echo(
            f"{node.name}: amqp 127.0.0.1:{node.spec.amqp_port}, "
            f"management http://127.0.0.1:{node.spec.management_port}/ (guest/guest), "
            f"data {node.base}"
        )
    click.echo(f"EDQUILL_AMQP_URL={cluster.amqp_url}")


@cluster_command.command("stop")
@click.option(
    "--dir",
    "directory",
    default=str(DEFAULT_DIRECTORY),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option("--keep-data", is_flag=True, help="Keep the nodes' folders (default: removed).")
def cluster_stop(directory: Path, keep_data: bool) -> None:
    """Stop the nodes `edquill cluster start` started in DIR."""
    try:
        cluster = RabbitCluster.from_directory(directory)
    except NodeUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    cluster.stop(remove=not keep_data)
    click.echo(f"stopped {len(cluster.nodes)} nodes")
