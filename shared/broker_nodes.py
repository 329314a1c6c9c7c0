"""The broker's nodes: EDQUILL_AMQP_URL as a list, the node a client tries next, and the
quorum queues' replication group.

EDQUILL_AMQP_URL names one node or, comma-separated, every node of a cluster. Every client
(the relays' publisher, the consumers, `edquill queues declare`) connects to one node at a
time; when a connection fails or is lost it moves on to the next node, waiting with the shared
back-off (shared.backoff) between attempts, so a dead node costs one failed attempt and not an
outage. Where a client starts in the list is spread at random, so that a cluster's connections
do not all land on its first node.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence
from urllib.parse import urlsplit

from shared.config_error import ConfigError
from shared.knobs import knobs_from_env

PREFIX = "EDQUILL_BROKER_"
# Heartbeats keep an idle consumer's connection alive through firewalls and let both sides
# notice a dead peer within about two intervals (the default of EDQUILL_BROKER_HEARTBEAT_SECONDS).
HEARTBEAT_SECONDS = 30
# A quorum queue's group beyond this many members costs every write more than it protects.
MAX_QUORUM_GROUP_SIZE = 9


def node_urls(amqp_url: str) -> tuple[str, ...]:
    """Each node's URL in EDQUILL_AMQP_URL, in the order given; ConfigError on a bad one."""
    urls = tuple(url.strip() for url in amqp_url.split(",") if url.strip())
    if not urls:
        raise ConfigError("EDQUILL_AMQP_URL must name at least one node (amqp://...)")
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("amqp", "amqps") or not parts.hostname:
            raise ConfigError(
                f"EDQUILL_AMQP_URL takes comma-separated amqp:// node URLs, got {url!r}"
            )
    return urls


def redacted_node(url: str) -> str:
    """A node's address for a log line: host and port, never the credentials."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 5672}"


def quorum_arguments(group_size: int | None) -> dict:
    """A quorum queue's declaration arguments, with its replication group's size if given."""
    arguments: dict = {"x-queue-type": "quorum"}
    if group_size is not None:
        # A member on each node: the queue outlives any one node (and any minority).
        arguments["x-quorum-initial-group-size"] = group_size
    return arguments


class NodeRotation:
    """Which node to connect to: `current` until it fails, then `fail_over()` to the next."""

    def __init__(self, urls: Sequence[str], rand: Callable[[], float] = random.random):
        if not urls:
            raise ValueError("a rotation needs at least one node")
        self.urls = tuple(urls)
        self._index = int(rand() * len(self.urls)) % len(self.urls)

    @property
    def current(self) -> str:
        return self.urls[self._index]

    @property
    def current_address(self) -> str:
        """The current node as host:port, for a log line (no credentials)."""
        return redacted_node(self.current)

    def fail_over(self) -> str:
        """Move on to the next node (the first again after the last); returns it."""
        self._index = (self._index + 1) % len(self.urls)
        return self.current


@dataclass(frozen=True)
class BrokerKnobs:
    # Members of each quorum queue's replication group (x-quorum-initial-group-size). 0: as
    # many as EDQUILL_AMQP_URL names nodes, and no argument at all for a single node, so a
    # single broker's queues keep the declaration they always had.
    quorum_group_size: int = 0
    # AMQP heartbeats: a client notices a node that stopped answering (a crash, a partition)
    # within about two intervals; the broker's side notices a dead client the same way.
    heartbeat_seconds: int = HEARTBEAT_SECONDS

    def validate(self) -> None:
        if not 1 <= self.heartbeat_seconds <= 600:
            raise ConfigError(
                f"{PREFIX}HEARTBEAT_SECONDS must be between 1 and 600, got {self.heartbeat_seconds}"
            )
        if not 0 <= self.quorum_group_size <= MAX_QUORUM_GROUP_SIZE:
            raise ConfigError(
                f"{PREFIX}QUORUM_GROUP_SIZE must be between 0 and {MAX_QUORUM_GROUP_SIZE}, "
                f"got {self.quorum_group_size}"
            )

    def group_size(self, node_count: int) -> int | None:
        """The group size to declare with; None: leave it to the broker (a single node)."""
        if self.quorum_group_size:
            return self.quorum_group_size
        return node_count if node_count > 1 else None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "BrokerKnobs":
        return knobs_from_env(cls, PREFIX, environ)
