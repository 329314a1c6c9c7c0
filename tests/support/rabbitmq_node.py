"""A RabbitMQ node of a test's own, beside the machine's shared broker, with the
rabbitmq_prometheus plugin enabled: queue depths a test can fill without touching anyone
else's broker, and the plugin's metrics for Prometheus to scrape.

The node itself is devtools.rabbit_node (the one way this project runs a node of its own, as
`edquill cluster` does); this adds a folder of the test's own, removed on `stop()`, and waits
for the metrics listener too.
"""

from __future__ import annotations

import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from devtools import rabbit_node
from devtools.rabbit_node import START_TIMEOUT, NodeUnavailable, unavailable_reason
from tests.support.waiting import wait_until

__all__ = ["NodeUnavailable", "RabbitNode", "unavailable_reason"]


class RabbitNode:
    """One node: `start()`, then `amqp_url` and `metrics_port`; `stop()` removes its files."""

    def __init__(self):
        self.base = Path(tempfile.mkdtemp(prefix="edq-rabbit-", dir="/tmp"))
        self._node = rabbit_node.RabbitNode.on_free_ports(self.base, metrics=True)

    @property
    def name(self) -> str:
        return self._node.name

    @property
    def amqp_port(self) -> int:
        return self._node.amqp_port

    @property
    def metrics_port(self) -> int:
        return self._node.metrics_port

    @property
    def amqp_url(self) -> str:
        return self._node.amqp_url

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.metrics_port}/metrics/per-object"

    def start(self) -> None:
        """Boot the node in the background; `wait_ready()` waits for it."""
        self._node.start()

    def _metrics_answer(self) -> bool:
        try:
            with urllib.request.urlopen(self.metrics_url, timeout=2) as answer:
                return answer.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait_ready(self) -> None:
        """The node accepts AMQP and its plugin answers, or NodeUnavailable with its log."""
        try:
            wait_until(self._metrics_answer, timeout=START_TIMEOUT, interval=0.5, what=self.name)
        except AssertionError as exc:
            raise NodeUnavailable(f"{exc}; its log: {self._node.log_tail()}") from None
        self._node.wait_ready()

    def stop(self) -> None:
        self._node.stop()
        shutil.rmtree(self.base, ignore_errors=True)
