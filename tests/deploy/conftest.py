"""The production layout running: supervisord on deploy/supervisor/edquill.conf (two relays,
every worker, every service under gunicorn), nginx on the gateway config, Prometheus on
deploy/prometheus/ and Alertmanager on deploy/alertmanager/ (its receivers a webhook of the
test's own), all rendered into a temporary prefix (tests/deploy/layout.py), on free ports,
against this test session's databases and a RabbitMQ node of the stack's own
(tests/support/rabbitmq_node.py: its queue depths are the stack's alone, and its
rabbitmq_prometheus plugin is scraped as the shipped config scrapes the host's broker).

One stack for the module that asks for it: bringing it up costs about a minute here, half of
it the broker's boot.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import urllib.parse
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from devtools import gateway
from devtools.ports import free_port, free_port_block
from shared.paths import ROOT
from tests.deploy import layout as deploy_layout
from tests.deploy.alert_receiver import AlertReceiver
from tests.deploy.layout import DEPLOY, Layout, Ports
from tests.support import figures
from tests.support.rabbitmq_node import NodeUnavailable, RabbitNode
from tests.support.servers import environment
from tests.support.waiting import wait_until

# Test-sized stand-ins for shipped values (the shipped ones stay in the files).
LOG_MAX_BYTES = "1KB"  # shipped: 10MB, 5 backups
SCRAPE_INTERVAL = "1s"  # shipped: 15s (5s for the relays)
ALERT_HOLD = "2s"  # shipped: each rule's own `for:`, minutes
# Alert thresholds a test reaches in seconds (shipped: the rule's own, in alerts.yml).
ALERT_THRESHOLDS = {
    "EdquillOutboxBacklog": "5",  # shipped: 1000 waiting events
    "EdquillOutboxOldestEventAge": "3",  # shipped: 120 s
    "EdquillConsumerLag": "10",  # shipped: 500 waiting events
}
ALERT_GROUP_WAIT = "1s"  # shipped: 30s before a group's first notification, 5m between
# The exchange the stack's own broker carries: the shipped one, as the rules' queue names
# (edquill.events.<consumer>) assume; no other run shares this broker.
STACK_EXCHANGE = "edquill.events"
# Bounded waits, in seconds, for a cold start on a busy 2-core machine.
START_TIMEOUT = 120
PROMETHEUS_TIMEOUT = 60


def _missing_tools() -> list[str]:
    needed = {
        "supervisord": "supervisor",
        "supervisorctl": "supervisor",
        "prometheus": "prometheus",
        "promtool": "prometheus",
        "prometheus-alertmanager": "prometheus-alertmanager",
    }
    missing = [
        f"{tool} (Debian package {package})"
        for tool, package in needed.items()
        if shutil.which(tool) is None
    ]
    if gateway.find_nginx() is None:
        missing.append("nginx (Debian package nginx)")
    return missing


def require_tools() -> None:
    missing = _missing_tools()
    if missing:
        pytest.skip(
            "the deploy tests run the shipped layout and need "
            + ", ".join(missing)
            + " (.ci/run installs them)"
        )


def _relay_prefix() -> int:
    """PREFIX for the relays' 94%(process_num)02d: PREFIX00 and PREFIX01 are free."""
    return free_port_block(2, align=100) // 100


def _free_ports(broker: RabbitNode | None) -> Ports:
    shipped_broker = deploy_layout.SHIPPED_RABBITMQ_METRICS_PORT
    return Ports(
        services={s: free_port() for s in deploy_layout.SHIPPED_SERVICE_PORTS},
        gateway=free_port(),
        relay_prefix=_relay_prefix(),
        workers={w: free_port() for w in deploy_layout.SHIPPED_WORKER_PORTS},
        prometheus=free_port(),
        alertmanager=free_port(),
        rabbitmq_metrics=broker.metrics_port if broker else shipped_broker,
        second_services={s: free_port() for s in deploy_layout.SHIPPED_SECOND_SERVICE_PORTS},
    )


@dataclass
class Stack:
    layout: Layout
    ports: Ports
    settings: object
    supervisord: subprocess.Popen
    prometheus: subprocess.Popen
    nginx: subprocess.Popen
    # The settings file's own SMTP port: nothing listens there (mail fails, for the alert).
    smtp_port: int
    alertmanager: subprocess.Popen | None = None
    # Where the rendered Alertmanager delivers: receiver R's notifications at /R.
    alert_receiver: AlertReceiver | None = None
    # The stack's own RabbitMQ node (settings.amqp_url leads to it), None when this machine
    # cannot run one: then the stack uses the session's broker and why is broker_unavailable.
    broker: RabbitNode | None = None
    broker_unavailable: str | None = None

    @property
    def alert_thresholds(self) -> dict[str, str]:
        """alert name -> the test-sized threshold its rendered rule compares with."""
        return dict(ALERT_THRESHOLDS)

    def require_own_broker(self) -> RabbitNode:
        if self.broker is None:
            pytest.skip(f"the stack has no RabbitMQ node of its own: {self.broker_unavailable}")
        return self.broker

    # -- the operator's commands ---------------------------------------------------------
    def supervisorctl(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            ["supervisorctl", "-c", str(self.layout.supervisord_conf), *args],
            capture_output=True,
            text=True,
            timeout=90,
        )
        # status exits 3 when some program is not RUNNING: the caller reads the table.
        if check and done.returncode not in (0, 3):
            raise AssertionError(
                f"supervisorctl {' '.join(args)} exited {done.returncode}: "
                f"{done.stdout}{done.stderr}"
            )
        return done.stdout

    def statuses(self) -> dict[str, str]:
        """program name (edquill:relay-0, ...) -> its state (RUNNING, STARTING, ...)."""
        lines = self.supervisorctl("status").splitlines()
        return dict(line.split()[:2] for line in lines if line.strip())

    def pid_of(self, program: str) -> int:
        return int(self.supervisorctl("pid", program).strip())

    def edquill(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """`edquill ARGS` through the rendered deploy/bin/edquill-env, as cron and supervisor
        run it."""
        return subprocess.run(
            [str(self.layout.home / "deploy" / "bin" / "edquill-env"), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=minimal_environment(),
        )

    # -- Prometheus --------------------------------------------------------------------
    def prometheus_api(self, path: str, **query: str) -> dict:
        url = f"http://127.0.0.1:{self.ports.prometheus}/api/v1/{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        with urllib.request.urlopen(url, timeout=10) as answer:
            body = json.load(answer)
        assert body["status"] == "success", body
        return body["data"]

    def firing(self) -> set[str]:
        return {
            alert["labels"]["alertname"]
            for alert in self.prometheus_api("alerts")["alerts"]
            if alert["state"] == "firing"
        }


def minimal_environment() -> dict[str, str]:
    """What a process started by systemd or cron has: no EDQUILL_* of the test session's own,
    so everything it knows comes from the settings file."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
        "LANG": "C.UTF-8",
        "HOME": os.environ.get("HOME", "/root"),
    }


def _settings_values(settings, ports: Ports, layout: Layout, smtp_port: int) -> dict[str, str]:
    env = environment(settings)
    values = {
        name: env[name]
        for name in (
            "EDQUILL_MYSQL_URL",
            "EDQUILL_DB_PREFIX",
            "EDQUILL_AMQP_URL",
            "EDQUILL_EXCHANGE",
            "EDQUILL_ENV",
            "EDQUILL_SECRET_KEY",
        )
    }
    values.update(
        {f"EDQUILL_{service.upper()}_PORT": str(port) for service, port in ports.services.items()}
    )
    values.update(
        {
            f"EDQUILL_{service.upper()}_SECOND_PORT": str(port)
            for service, port in ports.second_services.items()
        }
    )
    # As shipped, one service calls another through the gateway (both instances behind it).
    gateway_url = f"http://127.0.0.1:{ports.gateway}"
    values.update(
        {
            "EDQUILL_GATEWAY_PORT": str(ports.gateway),
            "EDQUILL_PUBLIC_URL": gateway_url,
            "EDQUILL_REGISTRAR_URL": gateway_url,
            "EDQUILL_KPI_URL": gateway_url,
            "EDQUILL_NOTIFIER_URL": gateway_url,
            "EDQUILL_DASHBOARD_URL": gateway_url,
            "EDQUILL_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EDQUILL_DOCUMENTS_DIR": str(layout.prefix / "var" / "lib" / "edquill" / "documents"),
        }
    )
    return values


def install(
    layout: Layout, ports: Ports, values: dict[str, str], rabbitmq: bool, receiver_url: str
) -> None:
    """The runbook's install, into the prefix: checkout and .venv, settings, supervisor."""
    for root in deploy_layout.ROOTS:
        layout.path(root).mkdir(parents=True, exist_ok=True)
    (layout.home / "deploy" / "bin").mkdir(parents=True)
    wrapper = layout.home / "deploy" / "bin" / "edquill-env"
    wrapper.write_text(layout.render_roots((DEPLOY / "bin" / "edquill-env").read_text()))
    wrapper.chmod(0o755)
    (layout.home / ".venv").symlink_to(ROOT / ".venv")
    layout.env_file.write_text(
        deploy_layout.render_edquill_env((DEPLOY / "edquill.env").read_text(), values)
    )
    layout.supervisord_conf.write_text(
        deploy_layout.render_supervisor(
            layout, (DEPLOY / "supervisor" / "edquill.conf").read_text(), ports, LOG_MAX_BYTES
        )
    )
    prometheus_dir = layout.path("/etc/prometheus")
    prometheus_dir.mkdir(parents=True)
    (prometheus_dir / "prometheus.yml").write_text(
        deploy_layout.render_prometheus(
            (DEPLOY / "prometheus" / "prometheus.yml").read_text(), ports, SCRAPE_INTERVAL, rabbitmq
        )
    )
    (prometheus_dir / "alerts.yml").write_text(
        deploy_layout.render_alerts(
            (DEPLOY / "prometheus" / "alerts.yml").read_text(), ALERT_HOLD, ALERT_THRESHOLDS
        )
    )
    (prometheus_dir / "alertmanager.yml").write_text(
        deploy_layout.render_alertmanager(
            (DEPLOY / "alertmanager" / "alertmanager.yml").read_text(),
            receiver_url,
            ALERT_GROUP_WAIT,
        )
    )


def _start_nginx(settings, ports: Ports, state: Path) -> subprocess.Popen:
    local = replace(
        settings,
        ports={**settings.ports, **ports.services, "gateway": ports.gateway},
        second_ports=ports.second_services,
    )
    config = gateway.write_local_config(local, state, pairs=True)
    return subprocess.Popen(
        gateway.nginx_command(config), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _start_alertmanager(ports: Ports, layout: Layout) -> subprocess.Popen:
    return subprocess.Popen(
        [
            "prometheus-alertmanager",
            f"--config.file={layout.path('/etc/prometheus/alertmanager.yml')}",
            f"--storage.path={layout.prefix / 'alertmanager-data'}",
            f"--web.listen-address=127.0.0.1:{ports.alertmanager}",
            "--cluster.listen-address=",  # one instance: no gossip port to collide on
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(layout.prefix / "alertmanager.log", "w"),
    )


def _own_broker() -> tuple[RabbitNode | None, str | None]:
    """A RabbitMQ node of the stack's own, booted; or None and why not."""
    node = RabbitNode()
    try:
        node.start()
        node.wait_ready()
    except NodeUnavailable as exc:
        node.stop()
        return None, str(exc)
    return node, None


def _stop(process: subprocess.Popen | None, timeout: float = 60) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _start_prometheus(ports: Ports, layout: Layout) -> subprocess.Popen:
    prometheus_dir = layout.path("/etc/prometheus")
    return subprocess.Popen(
        [
            "prometheus",
            f"--config.file={prometheus_dir / 'prometheus.yml'}",
            f"--storage.tsdb.path={layout.prefix / 'prometheus-data'}",
            f"--web.listen-address=127.0.0.1:{ports.prometheus}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(layout.prefix / "prometheus.log", "w"),
    )


def _start_supervisord(layout: Layout) -> subprocess.Popen:
    """The systemd unit's start: its ExecStartPre commands (migrate, queues declare), then
    supervisord as its ExecStart."""
    unit = layout.render_roots((DEPLOY / "systemd" / "edquill.service").read_text())
    for command in deploy_layout.systemd_start_commands(unit):
        done = subprocess.run(
            command.split(), capture_output=True, text=True, timeout=180, env=minimal_environment()
        )
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    [start] = re.findall(r"^ExecStart=(.*)$", unit, flags=re.M)
    return subprocess.Popen(
        start.split(),
        env=minimal_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def stack(settings):
    require_tools()
    with ExitStack() as cleanup:  # undone in reverse, whatever step fails
        broker, broker_unavailable = _own_broker()
        if broker is not None:
            cleanup.callback(broker.stop)
            settings = replace(settings, amqp_url=broker.amqp_url, exchange=STACK_EXCHANGE)
        # Short: a unix socket lives in it.
        prefix = Path(tempfile.mkdtemp(prefix="edq-", dir="/tmp"))
        cleanup.callback(shutil.rmtree, prefix, ignore_errors=True)
        layout = Layout(prefix)
        ports = _free_ports(broker)
        smtp_port = free_port()
        receiver = AlertReceiver().start()
        cleanup.callback(receiver.stop)
        install(
            layout,
            ports,
            _settings_values(settings, ports, layout, smtp_port),
            rabbitmq=broker is not None,
            receiver_url=receiver.url,
        )
        supervisord = _start_supervisord(layout)
        cleanup.callback(_stop, supervisord, timeout=90)
        nginx = _start_nginx(settings, ports, prefix / "nginx")
        cleanup.callback(_stop, nginx)
        alertmanager = _start_alertmanager(ports, layout)
        cleanup.callback(_stop, alertmanager)
        prometheus = _start_prometheus(ports, layout)
        cleanup.callback(_stop, prometheus)
        wait_until(
            lambda: (
                supervisord.poll() is not None
                or layout.path("/run/edquill/supervisor.sock").exists()
            ),
            timeout=30,
            what="supervisord's socket",
        )
        assert supervisord.poll() is None, "supervisord exited at start"
        yield Stack(
            layout,
            ports,
            settings,
            supervisord,
            prometheus,
            nginx,
            smtp_port,
            alertmanager=alertmanager,
            alert_receiver=receiver,
            broker=broker,
            broker_unavailable=broker_unavailable,
        )


def all_running(stack: Stack) -> dict[str, str] | None:
    statuses = stack.statuses()
    return statuses if statuses and set(statuses.values()) == {"RUNNING"} else None


def _not_running_report(stack: Stack, lines: int = 15) -> str:
    """Each program that is not RUNNING, its state and the end of its log: what a start that
    timed out needs to be understood from the run's output alone."""
    report = []
    for program, state in sorted(stack.statuses().items()):
        if state == "RUNNING":
            continue
        log = stack.layout.path(f"/var/log/edquill/{program.split(':')[-1]}.log")
        tail = log.read_text(errors="replace").splitlines()[-lines:] if log.exists() else []
        report.append(f"{program} {state}, {log.name}:\n  " + "\n  ".join(tail or ["(empty)"]))
    return "\n".join(report) or "supervisorctl listed no program"


def _started_line(stack: Stack, statuses: dict[str, str]) -> str:
    broker = (
        f"own RabbitMQ node on :{stack.ports.rabbitmq_metrics} (metrics)"
        if stack.broker is not None
        else f"the session's RabbitMQ ({stack.broker_unavailable})"
    )
    servers = [
        "supervisord",
        f"nginx :{stack.ports.gateway}",
        f"Prometheus :{stack.ports.prometheus}",
    ]
    if stack.alertmanager is not None:
        servers.append("Alertmanager")
    return (
        f"{', '.join(servers)}, {broker}; "
        f"{len(statuses)} programs RUNNING: {', '.join(sorted(statuses))}"
    )


@pytest.fixture(scope="module")
def running_stack(request, stack):
    """The stack with every program RUNNING."""
    try:
        statuses = wait_until(
            lambda: all_running(stack),
            timeout=START_TIMEOUT,
            interval=1,
            what="every supervisor program to be RUNNING",
        )
    except AssertionError as timed_out:
        raise AssertionError(f"{timed_out}\n{_not_running_report(stack)}") from None
    # The run's summary says what each module's stack started.
    figures.report(
        "deploy stacks started", f"{request.module.__name__}: {_started_line(stack, statuses)}"
    )
    return stack
