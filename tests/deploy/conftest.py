"""The production layout running: supervisord on deploy/supervisor/edquill.conf (two relays,
every worker, every service under gunicorn), nginx on the gateway config and Prometheus on
deploy/prometheus/, all rendered into a temporary prefix (tests/deploy/layout.py), on free
ports, against this test session's databases and exchange.

One stack for the module that asks for it: bringing it up costs about half a minute here.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from devtools import gateway
from shared.paths import ROOT
from tests.deploy import layout as deploy_layout
from tests.deploy.layout import DEPLOY, Layout, Ports
from tests.support.servers import environment
from tests.support.tcp_proxy import free_port
from tests.support.waiting import wait_until

# Test-sized stand-ins for shipped values (the shipped ones stay in the files).
LOG_MAX_BYTES = "1KB"  # shipped: 10MB, 5 backups
SCRAPE_INTERVAL = "1s"  # shipped: 15s (5s for the relays)
ALERT_HOLD = "2s"  # shipped: each rule's own `for:`, minutes
# Bounded waits, in seconds, for a cold start on a busy 2-core machine.
START_TIMEOUT = 120
PROMETHEUS_TIMEOUT = 60


def _missing_tools() -> list[str]:
    needed = {
        "supervisord": "supervisor",
        "supervisorctl": "supervisor",
        "prometheus": "prometheus",
        "promtool": "prometheus",
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


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _relay_prefix() -> int:
    """Two free ports PREFIX00 and PREFIX01 for the relays' 94%(process_num)02d."""
    for _ in range(200):
        prefix = random.randint(200, 640)
        if not listening(prefix * 100) and not listening(prefix * 100 + 1):
            return prefix
    raise RuntimeError("no free pair of relay metrics ports")


def _free_ports() -> Ports:
    return Ports(
        services={s: free_port() for s in deploy_layout.SHIPPED_SERVICE_PORTS},
        gateway=free_port(),
        relay_prefix=_relay_prefix(),
        workers={w: free_port() for w in deploy_layout.SHIPPED_WORKER_PORTS},
        prometheus=free_port(),
        alertmanager=free_port(),
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
            "EDQUILL_GATEWAY_PORT": str(ports.gateway),
            "EDQUILL_PUBLIC_URL": f"http://127.0.0.1:{ports.gateway}",
            "EDQUILL_REGISTRAR_URL": f"http://127.0.0.1:{ports.services['registrar']}",
            "EDQUILL_KPI_URL": f"http://127.0.0.1:{ports.services['kpi']}",
            "EDQUILL_NOTIFIER_URL": f"http://127.0.0.1:{ports.services['notifier']}",
            "EDQUILL_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EDQUILL_DOCUMENTS_DIR": str(layout.prefix / "var" / "lib" / "edquill" / "documents"),
        }
    )
    return values


def install(layout: Layout, ports: Ports, values: dict[str, str], rabbitmq: bool) -> None:
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
        deploy_layout.render_alerts((DEPLOY / "prometheus" / "alerts.yml").read_text(), ALERT_HOLD)
    )


def _start_nginx(settings, ports: Ports, state: Path) -> subprocess.Popen:
    local = replace(settings, ports={**settings.ports, **ports.services, "gateway": ports.gateway})
    config = gateway.write_local_config(local, state)
    return subprocess.Popen(
        gateway.nginx_command(config), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _stop(process: subprocess.Popen, timeout: float = 60) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture(scope="module")
def stack(settings):
    require_tools()
    prefix = Path(tempfile.mkdtemp(prefix="edq-", dir="/tmp"))  # short: a unix socket lives here
    layout = Layout(prefix)
    ports = _free_ports()
    smtp_port = free_port()
    install(
        layout,
        ports,
        _settings_values(settings, ports, layout, smtp_port),
        rabbitmq=listening(15692),
    )
    unit = layout.render_roots((DEPLOY / "systemd" / "edquill.service").read_text())
    for command in deploy_layout.systemd_start_commands(unit):
        done = subprocess.run(
            command.split(), capture_output=True, text=True, timeout=180, env=minimal_environment()
        )
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    [start] = re.findall(r"^ExecStart=(.*)$", unit, flags=re.M)
    supervisord = subprocess.Popen(
        start.split(),
        env=minimal_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    nginx = _start_nginx(settings, ports, prefix / "nginx")
    prometheus_dir = layout.path("/etc/prometheus")
    prometheus = subprocess.Popen(
        [
            "prometheus",
            f"--config.file={prometheus_dir / 'prometheus.yml'}",
            f"--storage.tsdb.path={prefix / 'prometheus-data'}",
            f"--web.listen-address=127.0.0.1:{ports.prometheus}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(prefix / "prometheus.log", "w"),
    )
    running = Stack(layout, ports, settings, supervisord, prometheus, nginx, smtp_port)
    try:
        wait_until(
            lambda: (
                supervisord.poll() is not None
                or layout.path("/run/edquill/supervisor.sock").exists()
            ),
            timeout=30,
            what="supervisord's socket",
        )
        assert supervisord.poll() is None, "supervisord exited at start"
        yield running
    finally:
        _stop(prometheus)
        _stop(nginx)
        _stop(supervisord, timeout=90)
        shutil.rmtree(prefix, ignore_errors=True)


def all_running(stack: Stack) -> dict[str, str] | None:
    statuses = stack.statuses()
    return statuses if statuses and set(statuses.values()) == {"RUNNING"} else None


@pytest.fixture(scope="module")
def running_stack(stack):
    """The stack with every program RUNNING."""
    wait_until(
        lambda: all_running(stack),
        timeout=START_TIMEOUT,
        interval=1,
        what="every supervisor program to be RUNNING",
    )
    return stack
