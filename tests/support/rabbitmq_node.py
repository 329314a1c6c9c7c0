"""A RabbitMQ node of a test's own, beside the machine's shared broker, with the
rabbitmq_prometheus plugin enabled: queue depths a test can fill without touching anyone
else's broker, and the plugin's metrics for Prometheus to scrape.

The node runs as Debian's `rabbitmq` user (the Erlang cookie and the server's files are its)
from /usr/lib/rabbitmq/bin/rabbitmq-server, with a name, ports and directories of its own,
so it neither clusters nor collides with the shared node (5672, 25672, 15672, 15692). Only
the plugin's metrics listener is enabled: no management UI.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pika

from tests.support.tcp_proxy import free_port
from tests.support.waiting import wait_until

SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
SERVER_USER = "rabbitmq"
# A cold boot takes 5-10 s on a quiet machine and several times that on a busy 2-core one.
START_TIMEOUT = 90
# A node asked to stop syncs its quorum queues first; past this it is killed.
STOP_TIMEOUT = 30


class NodeUnavailable(RuntimeError):
    """This machine cannot run a node of the test's own (the reason says why)."""


def unavailable_reason() -> str | None:
    if not SERVER.exists():
        return f"{SERVER} is missing (Debian package rabbitmq-server)"
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        return f"there is no {SERVER_USER} user (Debian package rabbitmq-server)"
    if os.geteuid() != 0:
        return f"starting a node as the {SERVER_USER} user needs root"
    return None


class RabbitNode:
    """One node: `start()`, then `amqp_url` and `metrics_port`; `stop()` removes its files."""

    def __init__(self):
        self.amqp_port = free_port()
        self.dist_port = free_port()
        self.metrics_port = free_port()
        self.name = f"edq{self.amqp_port}@localhost"
        self.base = Path(tempfile.mkdtemp(prefix="edq-rabbit-", dir="/tmp"))
        self._pid: int | None = None

    @property
    def amqp_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.amqp_port}/%2F"

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.metrics_port}/metrics/per-object"

    def _write_files(self) -> dict[str, str]:
        (self.base / "mnesia").mkdir()
        (self.base / "log").mkdir()
        (self.base / "enabled_plugins").write_text("[rabbitmq_prometheus].\n")
        (self.base / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.amqp_port}\n"
            "prometheus.tcp.ip = 127.0.0.1\n"
            f"prometheus.tcp.port = {self.metrics_port}\n"
        )
        user = pwd.getpwnam(SERVER_USER)
        for path in [self.base, *self.base.rglob("*")]:
            os.chown(path, user.pw_uid, user.pw_gid)
        return {
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_PORT": str(self.amqp_port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.base / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(self.base / "rabbitmq.conf"),
            "RABBITMQ_PID_FILE": str(self.base / "rabbitmq.pid"),
        }

    def start(self) -> None:
        """Boot the node in the background; `wait_ready()` waits for it."""
        reason = unavailable_reason()
        if reason is not None:
            raise NodeUnavailable(reason)
        variables = self._write_files()
        done = subprocess.run(
            ["runuser", "-u", SERVER_USER, "--", "env"]
            + [f"{name}={value}" for name, value in variables.items()]
            + [str(SERVER), "-detached"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0:
            raise NodeUnavailable(f"rabbitmq-server exited {done.returncode}: {done.stderr}")

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
            wait_until(self._accepts_amqp, timeout=START_TIMEOUT, interval=0.5, what=self.name)
        except AssertionError as exc:
            raise NodeUnavailable(f"{exc}; its log: {self._log_tail()}") from None
        self._pid = int((self.base / "rabbitmq.pid").read_text().strip())

    def _accepts_amqp(self) -> bool:
        try:
            pika.BlockingConnection(pika.URLParameters(self.amqp_url)).close()
            return True
        except pika.exceptions.AMQPError:
            return False

    def _log_tail(self) -> str:
        logs = sorted((self.base / "log").glob("*.log"))
        return logs[0].read_text()[-2000:] if logs else "(none)"

    def stop(self) -> None:
        pid = self._pid or self._pid_from_file()
        if pid is not None:
            _terminate(pid)
        shutil.rmtree(self.base, ignore_errors=True)

    def _pid_from_file(self) -> int | None:
        try:
            return int((self.base / "rabbitmq.pid").read_text().strip())
        except (OSError, ValueError):
            return None


def _terminate(pid: int) -> None:
    """SIGTERM (the node shuts down cleanly), SIGKILL past STOP_TIMEOUT."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)
