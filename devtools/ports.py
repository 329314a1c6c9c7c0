"""Loopback ports for the servers a developer tool, a test or a benchmark starts.

A port found by binding port 0 comes from the kernel's ephemeral range, the range it also hands
to outgoing connections: between the pick and the server's own bind, one of the many
connections a busy run opens to MySQL or RabbitMQ can take it, and the server fails to start
(supervisor then gives up on it). Ports below that range are never handed out that way, so a
free one stays free until its server binds it. Within one process no port is handed out twice,
so a set of servers picked together never collide with each other."""

from __future__ import annotations

import math
import random
import socket
import threading
from pathlib import Path

LOWEST = 10_000
_handed_out: set[int] = set()
_lock = threading.Lock()


def ephemeral_range_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_port_block(count: int, align: int = 1) -> int:
    """The first of `count` consecutive loopback ports nobody listens on, below the ephemeral
    range and not handed out before by this process; the first a multiple of `align` (a
    config that numbers its ports PREFIX00, PREFIX01 asks for 100)."""
    with _lock:
        for _ in range(1000):
            lowest, highest = math.ceil(LOWEST / align), (ephemeral_range_start() - count) // align
            first = random.randrange(lowest, highest) * align
            block = range(first, first + count)
            if _handed_out.isdisjoint(block) and all(is_free(port) for port in block):
                _handed_out.update(block)
                return first
    raise RuntimeError(f"no {count} consecutive free ports below {ephemeral_range_start()}")


def free_port() -> int:
    """A loopback port nobody listens on, for a server about to start."""
    return free_port_block(1)
