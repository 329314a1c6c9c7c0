"""What `edquill up` runs: its programs and their commands, the ports they get, and the
development environment it gives itself and every child (devtools.up starts them)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

import click

from devtools.supervision import http_answers, port_answers
from shared.cli import cli
from shared.config import DEVELOPMENT, Settings

# Gunicorn workers per HTTP service: four services share one machine here.
WEB_WORKERS = 2


@dataclass(frozen=True)
class Program:
    """One child: `edquill <args>`, {placeholders} filled from `run_values`."""

    name: str
    args: tuple[str, ...]
    listens_on: str | None = None  # the run value naming the port awaited before URLs print
    app: str | None = None  # `serve` only: the edquill.apps entry the server needs

    def is_ready(self, values: dict) -> bool:
        port = int(values[self.listens_on])
        # A gunicorn master accepts connections before any worker has loaded the app.
        return http_answers(port, "/healthz") if self.app else port_answers(port)


# One line per process; a program whose command (or app) this install lacks is skipped.
PROGRAMS = (
    Program(
        "mailsink",
        ("mailsink", "--dir", "{mail_dir}", "--http-port", "{mail_http_port}"),
        listens_on="mail_http_port",
    ),
    Program(
        "relay-1",
        ("outbox", "worker", "--metrics-port", "{relay_1_metrics_port}"),
        listens_on="relay_1_metrics_port",
    ),
    Program(
        "relay-2",
        ("outbox", "worker", "--metrics-port", "{relay_2_metrics_port}"),
        listens_on="relay_2_metrics_port",
    ),
    Program("notifier-worker", ("notifier", "worker")),
    Program("kpi-worker", ("kpi", "worker")),
    Program("dashboard-worker", ("dashboard", "worker")),
    Program(
        "registrar",
        ("serve", "registrar", "--workers", "{web_workers}"),
        listens_on="registrar_port",
        app="registrar",
    ),
    Program(
        "dashboard",
        ("serve", "dashboard", "--workers", "{web_workers}"),
        listens_on="dashboard_port",
        app="dashboard",
    ),
    Program(
        "kpi", ("serve", "kpi", "--workers", "{web_workers}"), listens_on="kpi_port", app="kpi"
    ),
    Program(
        "notifier",
        ("serve", "notifier", "--workers", "{web_workers}"),
        listens_on="notifier_port",
        app="notifier",
    ),
)


# Random bytes behind the key `up` makes for this machine: well over the 32 characters
# production asks for.
SECRET_KEY_BYTES = 48


def machine_secret_key(var_dir: Path) -> str:
    """This machine's own signing key, made once in var/ and reused, so links in mail sent
    by one `up` still open after the next."""
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(secrets.token_urlsafe(SECRET_KEY_BYTES))
    return path.read_text().strip()


def development_environment(var_dir: Path, gateway_runs: bool) -> dict[str, str]:
    """What `up` sets for itself and every child: development mode, said out loud; the
    machine's key; links under the gateway (or the registrar, when there is no nginx)."""
    ports = Settings.from_env({**os.environ, "EDQUILL_ENV": DEVELOPMENT}).ports
    front = ports["gateway"] if gateway_runs else ports["registrar"]
    return {
        "EDQUILL_ENV": DEVELOPMENT,
        "EDQUILL_SECRET_KEY": os.environ.get("EDQUILL_SECRET_KEY") or machine_secret_key(var_dir),
        "EDQUILL_PUBLIC_URL": os.environ.get("EDQUILL_PUBLIC_URL") or f"http://127.0.0.1:{front}",
    }


def run_values(
    settings: Settings, var_dir: Path, mail_http_port: int, relay_metrics_port: int
) -> dict[str, str | int]:
    values = {f"{name}_port": port for name, port in settings.ports.items()}
    values.update(
        mail_dir=str(var_dir / "mail"),
        mail_http_port=mail_http_port,
        smtp_port=settings.smtp.port,
        relay_1_metrics_port=relay_metrics_port,
        relay_2_metrics_port=relay_metrics_port + 1,
        web_workers=WEB_WORKERS,
    )
    return values


def command_exists(args: tuple[str, ...]) -> bool:
    """Whether the words of `args` that name (sub)commands are all registered."""
    command: click.Command = cli
    context = click.Context(cli, info_name="edquill")
    for word in args:
        if not isinstance(command, click.Group):
            return True  # the remaining words are the command's own arguments
        command = command.get_command(context, word)
        if command is None:
            return False
    return True


def is_available(program: Program) -> bool:
    if program.app and program.app not in {e.name for e in entry_points(group="edquill.apps")}:
        return False
    return command_exists(program.args)
