"""The production layout of deploy/ rendered into a temporary prefix, for the deploy tests.

The shipped files name fixed roots (/opt/edquill, /etc/edquill, /run/edquill, /var/log/edquill,
/var/backups/edquill), the user edquill and fixed ports. Rendering moves each root under the
prefix, runs the programs as the current user, and swaps in ports of the test's own, so the
stack runs beside other tests on one machine. The shipped files are never edited: every
change is a substitution that must match, or rendering fails naming the file.
"""

from __future__ import annotations

import getpass
import grp
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from shared.paths import ROOT

DEPLOY = ROOT / "deploy"
ROOTS = ("/opt/edquill", "/etc/edquill", "/run/edquill", "/var/log/edquill", "/var/backups/edquill")
SHIPPED_USER = "edquill"
# The relays' metrics ports are 94%(process_num)02d in the supervisor file: 9400, 9401.
SHIPPED_RELAY_PORT_PREFIX = "94"
SHIPPED_WORKER_PORTS = {"notifier": 9410, "kpi": 9411, "dashboard": 9412}
SHIPPED_SERVICE_PORTS = {"registrar": 8001, "dashboard": 8002, "kpi": 8003, "notifier": 8004}
# Each service's second instance (`serve <service> --instance 2`, EDQUILL_<SERVICE>_SECOND_PORT).
SHIPPED_SECOND_SERVICE_PORTS = {"registrar": 8011, "dashboard": 8012, "kpi": 8013, "notifier": 8014}
SHIPPED_ALERTMANAGER_PORT = 9093
SHIPPED_RABBITMQ_METRICS_PORT = 15692


class RenderError(ValueError):
    """A shipped file no longer has what rendering substitutes."""


def _sub(
    pattern: str, replacement, text: str, what: str, *, count: int | None = None, flags: int = 0
) -> str:
    rendered, made = re.subn(pattern, replacement, text, flags=flags)
    if made == 0 or (count is not None and made != count):
        raise RenderError(
            f"{what}: expected {count or 'some'} match(es) of {pattern!r}, found {made}"
        )
    return rendered


@dataclass(frozen=True)
class Ports:
    """The stack's ports, in place of the shipped ones."""

    services: dict[str, int]
    gateway: int
    # Two digits (or more) in front of %(process_num)02d: relays on PREFIX00 and PREFIX01.
    relay_prefix: int
    workers: dict[str, int]
    prometheus: int
    alertmanager: int
    # rabbitmq_prometheus's listener: the shipped one is the host's broker's.
    rabbitmq_metrics: int = SHIPPED_RABBITMQ_METRICS_PORT
    # The services' second instances.
    second_services: dict[str, int] = field(default_factory=dict)

    @property
    def relays(self) -> tuple[int, int]:
        return self.relay_prefix * 100, self.relay_prefix * 100 + 1


@dataclass(frozen=True)
class Layout:
    prefix: Path
    user: str = field(default_factory=getpass.getuser)

    @property
    def group(self) -> str:
        return grp.getgrgid(os.getgid()).gr_name

    def path(self, root: str) -> Path:
        """Where a shipped absolute path lives under the prefix."""
        return self.prefix / root.lstrip("/")

    @property
    def home(self) -> Path:
        return self.path("/opt/edquill")

    @property
    def supervisord_conf(self) -> Path:
        return self.path("/etc/edquill/supervisord.conf")

    @property
    def env_file(self) -> Path:
        return self.path("/etc/edquill/edquill.env")

    @property
    def logs(self) -> Path:
        return self.path("/var/log/edquill")

    def render_roots(self, text: str) -> str:
        """Every shipped root moved under the prefix, and the edquill user made ours."""
        for root in ROOTS:
            text = text.replace(root, str(self.path(root)))
        text = re.sub(rf"^user = {SHIPPED_USER}$", f"user = {self.user}", text, flags=re.M)
        return text.replace(
            f"chown = {SHIPPED_USER}:{SHIPPED_USER}", f"chown = {self.user}:{self.group}"
        )


def render_supervisor(layout: Layout, text: str, ports: Ports, log_max_bytes: str) -> str:
    """deploy/supervisor/edquill.conf in the prefix, on the stack's ports, rotating its logs
    at `log_max_bytes` (supervisor's size syntax: 10MB, 4KB)."""
    what = "deploy/supervisor/edquill.conf"
    text = layout.render_roots(text)
    text = _sub(
        rf"--metrics-port {SHIPPED_RELAY_PORT_PREFIX}%\(process_num\)02d",
        f"--metrics-port {ports.relay_prefix}%(process_num)02d",
        text,
        what,
        count=1,
    )
    for worker, shipped in SHIPPED_WORKER_PORTS.items():
        text = _sub(
            rf"({worker} worker --metrics-port ){shipped}$",
            rf"\g<1>{ports.workers[worker]}",
            text,
            what,
            count=1,
            flags=re.M,
        )
    return _sub(
        r"^((?:stdout_)?logfile_maxbytes = )\S+$", rf"\g<1>{log_max_bytes}", text, what, flags=re.M
    )


def render_edquill_env(text: str, values: dict[str, str]) -> str:
    """deploy/edquill.env with each setting the stack has given its value (quoted for the
    shell that sources it); settings it does not have are appended."""
    seen = set()

    def value_of(found: re.Match) -> str:
        name = found.group(1)
        if name not in values:
            return found.group(0)
        seen.add(name)
        return f"{name}={shlex.quote(values[name])}"

    text = re.sub(r"^(EDQUILL_\w+)=.*$", value_of, text, flags=re.M)
    extra = "".join(
        f"{name}={shlex.quote(value)}\n" for name, value in values.items() if name not in seen
    )
    return text + extra


def render_prometheus(text: str, ports: Ports, scrape_interval: str, rabbitmq: bool) -> str:
    """deploy/prometheus/prometheus.yml on the stack's ports, scraping every
    `scrape_interval`; without the RabbitMQ job when its plugin does not answer here."""
    what = "deploy/prometheus/prometheus.yml"
    shipped_to_ours = {
        **{SHIPPED_SERVICE_PORTS[s]: ports.services[s] for s in ports.services},
        **{
            SHIPPED_SECOND_SERVICE_PORTS[s]: ports.second_services[s] for s in ports.second_services
        },
        **{SHIPPED_WORKER_PORTS[w]: ports.workers[w] for w in ports.workers},
        9400: ports.relays[0],
        9401: ports.relays[1],
        SHIPPED_ALERTMANAGER_PORT: ports.alertmanager,
        SHIPPED_RABBITMQ_METRICS_PORT: ports.rabbitmq_metrics,
    }
    for shipped, ours in shipped_to_ours.items():
        text = _sub(rf'"127\.0\.0\.1:{shipped}"', f'"127.0.0.1:{ours}"', text, what, count=1)
    text = _sub(
        r"^(\s*(?:scrape|evaluation)_interval: )\S+$",
        rf"\g<1>{scrape_interval}",
        text,
        what,
        flags=re.M,
    )
    if not rabbitmq:
        text = _sub(
            r"\n  # RabbitMQ's own plugin.*?(?=\n  - job_name|\Z)",
            "",
            text,
            what,
            count=1,
            flags=re.S,
        )
        text = _sub(
            r"\n  - job_name: rabbitmq\n.*?(?=\n  - job_name|\Z)",
            "",
            text,
            what,
            count=1,
            flags=re.S,
        )
    return text


def render_alerts(text: str, hold: str, thresholds: dict[str, str] | None = None) -> str:
    """deploy/prometheus/alerts.yml with every `for:` at `hold` (test time), and the alerts
    named in `thresholds` comparing their expression with that value instead (test-sized:
    the last `> N` of a one-line expr)."""
    what = "deploy/prometheus/alerts.yml"
    text = _sub(r"^(\s+for: )\S+$", rf"\g<1>{hold}", text, what, flags=re.M)
    for alert, threshold in (thresholds or {}).items():
        text = _sub(
            rf"^(\s+- alert: {alert}\n\s+expr: .* > )\S+$",
            rf"\g<1>{threshold}",
            text,
            what,
            count=1,
            flags=re.M,
        )
    return text


def render_alertmanager(text: str, receiver_url: str, group_wait: str) -> str:
    """deploy/alertmanager/alertmanager.yml delivering each receiver's notifications to
    `receiver_url`/<receiver name> (a webhook) instead of e-mail, and grouping for
    `group_wait` only (test time), its routes untouched."""
    what = "deploy/alertmanager/alertmanager.yml"
    text = _sub(
        r'^(  - name: (\S+)\n    )email_configs:\n      - to: "[^"]+"$',
        rf'\g<1>webhook_configs:\n      - url: "{receiver_url}/\g<2>"',
        text,
        what,
        flags=re.M,
    )
    grouping = r"^(  group_(?:wait|interval): )\S+$"
    return _sub(grouping, rf"\g<1>{group_wait}", text, what, count=2, flags=re.M)


@dataclass(frozen=True)
class CronJob:
    schedule: str
    user: str
    command: str


def cron_jobs(text: str) -> list[CronJob]:
    """The /etc/cron.d entries of deploy/cron/edquill (five time fields, a user, a command)."""
    jobs = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or re.match(r"^[A-Z_]+=", line):
            continue
        fields = line.split(None, 6)
        jobs.append(CronJob(" ".join(fields[:5]), fields[5], fields[6]))
    return jobs


def cron_environment(text: str) -> dict[str, str]:
    """The NAME=value lines cron sets for every job in the file."""
    return dict(re.findall(r"^([A-Z_]+)=(.*)$", text, flags=re.M))


def cron_command(command: str) -> str:
    """What cron hands the shell: an unescaped % ends the command (and starts its stdin),
    an escaped \\% is a plain %."""
    unescaped = re.split(r"(?<!\\)%", command, maxsplit=1)[0]
    return unescaped.replace("\\%", "%")


def systemd_start_commands(unit: str) -> list[str]:
    """The unit's ExecStartPre command lines, without the runuser that drops to edquill
    (the rendered stack runs as the current user already)."""
    commands = re.findall(r"^ExecStartPre=(.*)$", unit, flags=re.M)
    return [re.sub(rf"^/usr/sbin/runuser -u {SHIPPED_USER} -- ", "", line) for line in commands]
