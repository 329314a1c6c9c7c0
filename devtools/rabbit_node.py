"""One RabbitMQ node of our own on this machine, beside the machine's broker.

The node runs as Debian's `rabbitmq` user (the Erlang cookie and the server's files are its)
from /usr/lib/rabbitmq/bin/rabbitmq-server, with a name, ports and directories of its own, so
it neither clusters nor collides with the machine's node (5672, 25672, 15672, 15692) unless
told to join. `edquill cluster` (devtools.rabbit_cluster) starts several and clusters them; the
deploy tests start one with the rabbitmq_prometheus plugin for Prometheus to scrape.
"""

from __future__ import annotations

import os
import pwd
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pika
import pika.exceptions

from devtools.ports import free_port

SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
CTL = "/usr/lib/rabbitmq/bin/rabbitmqctl"
SERVER_USER = "rabbitmq"
# A cold boot takes 5-10 s on a quiet machine and several times that on a busy 2-core one.
START_TIMEOUT = 90
# A node asked to stop syncs its quorum queues first; past this it is killed.
STOP_TIMEOUT = 30
# rabbitmqctl against a node that is up answers in seconds; a cluster join takes longer.
CTL_TIMEOUT = 120


class NodeUnavailable(RuntimeError):
    """This machine cannot run a node of our own, or the node did not come up (says why)."""


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


@dataclass
class NodeSpec:
    """What makes a node its own: its name, its ports and its folder."""

    name: str
    amqp_port: int
    dist_port: int
    # The management UI (rabbitmq_management) or the metrics (rabbitmq_prometheus); 0: none.
    management_port: int
    metrics_port: int
    base: str
    # Seconds before the others count an unreachable node as gone (Erlang's default: 60).
    net_ticktime: int = 60

    def to_json(self) -> dict:
        return asdict(self)


class RabbitNode:
    """One node: `start()`, `wait_ready()`, then `amqp_url`; `stop()` or `kill()` it."""

    def __init__(self, spec: NodeSpec):
        self.spec = spec
        self.base = Path(spec.base)

    @classmethod
    def on_free_ports(cls, base: Path, *, metrics: bool = False, management: bool = False):
        amqp_port = free_port()
        return cls(
            NodeSpec(
                name=f"edq{amqp_port}@localhost",
                amqp_port=amqp_port,
                dist_port=free_port(),
                management_port=free_port() if management else 0,
                metrics_port=free_port() if metrics else 0,
                base=str(base),
            )
        )

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def amqp_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.spec.amqp_port}/%2F"

    @property
    def amqp_port(self) -> int:
        return self.spec.amqp_port

    @property
    def metrics_port(self) -> int:
        return self.spec.metrics_port

    def _config(self) -> str:
        lines = [
            f"listeners.tcp.default = 127.0.0.1:{self.spec.amqp_port}",
            # A node cut off from the majority stops serving (and closes its clients'
            # connections) instead of carrying on as a cluster of its own: clients move to
            # the majority and nothing has to be merged back afterwards.
            "cluster_partition_handling = pause_minority",
        ]
        if self.spec.management_port:
            lines += [
                "management.tcp.ip = 127.0.0.1",
                f"management.tcp.port = {self.spec.management_port}",
            ]
        if self.spec.metrics_port:
            lines += [
                "prometheus.tcp.ip = 127.0.0.1",
                f"prometheus.tcp.port = {self.spec.metrics_port}",
            ]
        return "\n".join(lines) + "\n"

    def _plugins(self) -> str:
        plugins = [
            plugin
            for plugin, port in (
                ("rabbitmq_management", self.spec.management_port),
                ("rabbitmq_prometheus", self.spec.metrics_port),
            )
            if port
        ]
        return f"[{','.join(plugins)}].\n"

    def _write_files(self) -> dict[str, str]:
        for folder in (self.base, self.base / "mnesia", self.base / "log"):
            folder.mkdir(exist_ok=True)
        (self.base / "enabled_plugins").write_text(self._plugins())
        (self.base / "rabbitmq.conf").write_text(self._config())
        (self.base / "advanced.config").write_text(
            f"[{{kernel, [{{net_ticktime, {self.spec.net_ticktime}}}]}}].\n"
        )
        user = pwd.getpwnam(SERVER_USER)
        for path in [self.base, *self.base.rglob("*")]:
            os.chown(path, user.pw_uid, user.pw_gid)
        return {
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_PORT": str(self.spec.amqp_port),
            "RABBITMQ_DIST_PORT": str(self.spec.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.base / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(self.base / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(self.base / "advanced.config"),
            "RABBITMQ_PID_FILE": str(self.base / "rabbitmq.pid"),
        }

    def start(self) -> None:
        """Boot the node in the background (again after a stop: it keeps its data and its
        cluster); `wait_ready()` waits for it."""
        reason = unavailable_reason()
        if reason is not None:
            raise NodeUnavailable(reason)
        (self.base / "rabbitmq.pid").unlink(missing_ok=True)
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

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """The node accepts AMQP, or NodeUnavailable with the tail of its log."""
        deadline = time.monotonic() + timeout
        while not self.accepts_amqp():
            if time.monotonic() > deadline:
                raise NodeUnavailable(
                    f"{self.name} did not accept AMQP within {timeout} s; its log: "
                    f"{self.log_tail()}"
                )
            time.sleep(0.5)

    def accepts_amqp(self) -> bool:
        # A plain TCP knock first: pika logs every refused attempt as an error.
        try:
            socket.create_connection(("127.0.0.1", self.spec.amqp_port), timeout=2).close()
        except OSError:
            return False
        parameters = pika.URLParameters(self.amqp_url)
        parameters.socket_timeout = 2
        parameters.connection_attempts = 1
        try:
            pika.BlockingConnection(parameters).close()
            return True
        except pika.exceptions.AMQPError:
            return False

    def ctl(self, *arguments: str) -> str:
        """rabbitmqctl against this node, as the user whose cookie it shares."""
        done = subprocess.run(
            ["runuser", "-u", SERVER_USER, "--", CTL, "-n", self.name, *arguments],
            capture_output=True,
            text=True,
            timeout=CTL_TIMEOUT,
        )
        if done.returncode != 0:
            command = " ".join(arguments)
            raise NodeUnavailable(f"rabbitmqctl {command} on {self.name}: {done.stderr}")
        return done.stdout

    def log_tail(self) -> str:
        logs = sorted((self.base / "log").glob("*.log"))
        return logs[0].read_text()[-2000:] if logs else "(none)"

    @property
    def pid(self) -> int | None:
        """The Erlang VM's (beam.smp) process id, while the node runs."""
        try:
            return int((self.base / "rabbitmq.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def signal(self, signum: int) -> None:
        """Send the node's VM a signal: SIGKILL a crash, SIGSTOP/SIGCONT a frozen node."""
        pid = self.pid  # read once: the node may remove its pid file in between
        if pid is not None:
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        """Crash the node (SIGKILL of its VM) and wait until it is gone."""
        pid = self.pid
        self.signal(signal.SIGKILL)
        if pid is not None:
            _wait_gone(pid, STOP_TIMEOUT)

    def stop(self) -> None:
        """SIGTERM (the node shuts down cleanly), SIGKILL past STOP_TIMEOUT; files are kept."""
        pid = self.pid
        if pid is None:
            return
        self.signal(signal.SIGCONT)  # a frozen node cannot shut down
        self.signal(signal.SIGTERM)
        if not _wait_gone(pid, STOP_TIMEOUT):
            self.signal(signal.SIGKILL)
            _wait_gone(pid, STOP_TIMEOUT)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False
