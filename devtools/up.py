"""`edquill up`: the whole system on one machine, for a demonstration or a developer.

Migrates, seeds the demo school, then runs as child processes the mail sink, two outbox relays,
every service worker and HTTP server this install has, and the nginx gateway when nginx is
installed. Prints where everything is and waits: SIGINT or SIGTERM stops every child, and a
child that dies stops the rest with a non-zero exit. What it runs, on which ports and in which
environment, is planned in devtools.up_plan.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path
from typing import Callable

import click

from devtools import gateway
from devtools.supervision import ChildExited, ChildProcesses, NotReady, port_answers
from devtools.up_plan import (
    PROGRAMS,
    command_exists,
    development_environment,
    is_available,
    run_values,
)
from shared import migrations
from shared.cli import settings_from_env
from shared.config import Settings
from shared.paths import ROOT
from shared.queues import declare_consumer_queues
from shared.smtp_url import redact_url
from shared.worker import stop_event_on_signals

# How long a child may take to open its port before `up` gives up on it (gunicorn loads the
# app, a relay connects): generous for a cold start on a busy 2-core machine.
READY_TIMEOUT_SECONDS = 60.0


class StartupFailed(click.ClickException):
    """The system could not start, or a child stopped on its own; the message says which."""


def edquill_executable() -> str:
    beside_python = Path(sys.executable).with_name("edquill")
    return str(beside_python) if beside_python.exists() else (shutil.which("edquill") or "edquill")


def ensure_ports_free(values: dict, programs, gateway_wanted: bool) -> None:
    wanted = {values[p.listens_on]: p.name for p in programs if p.listens_on}
    wanted[values["smtp_port"]] = "mailsink (EDQUILL_SMTP_URL)"
    if gateway_wanted:
        wanted[values["gateway_port"]] = "gateway"
    for port, name in wanted.items():
        if port_answers(port):
            raise StartupFailed(
                f"port {port} ({name}) is already in use: stop what holds it "
                "or choose other ports (EDQUILL_*_PORT, --mail-http-port, "
                "--relay-metrics-port)"
            )


def start_children(
    children: ChildProcesses,
    programs,
    values: dict,
    gateway_command: list[str] | None,
    stop_requested: threading.Event,
) -> set[str]:
    """Start every program (and the gateway), then wait for their ports; returns their names."""
    edquill = edquill_executable()
    awaited: list[tuple[str, Callable[[], bool]]] = []
    for program in programs:
        children.start(program.name, [edquill, *(word.format(**values) for word in program.args)])
        if program.listens_on:
            awaited.append((program.name, partial(program.is_ready, values)))
    if gateway_command:
        children.start("gateway", gateway_command)
        awaited.append(("gateway", partial(port_answers, int(values["gateway_port"]))))
    for name, answers in awaited:
        children.wait_until_ready(name, answers, READY_TIMEOUT_SECONDS, stop_requested)
    return {child.name for child in children.children}


def seed_demo() -> str:
    """Run `edquill demo seed` when this install has it; returns what it printed."""
    return run_edquill("demo", "seed") if command_exists(("demo", "seed")) else ""


def first_school_slug() -> str | None:
    """The oldest school's slug, as `edquill school list` prints it (the registrar's own
    command: `up` reads no service's tables); None without a school or that command."""
    if not command_exists(("school", "list")):
        return None
    return first_slug(run_edquill("school", "list"))


def first_slug(school_listing: str) -> str | None:
    """The slug of the first row of `edquill school list` (id, slug, name under a header)."""
    rows = school_listing.splitlines()[1:]
    return rows[0].split("\t")[1] if rows else None


def run_edquill(*args: str) -> str:
    """Run `edquill <args>` to its end; returns what it printed, or stops `up` when it fails."""
    done = subprocess.run([edquill_executable(), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise StartupFailed(
            f"edquill {' '.join(args)} failed: "
            + (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        )
    return done.stdout.strip()


def describe(
    started: set[str],
    values: dict,
    settings: Settings,
    slug: str | None,
    seed_output: str,
    log_dir: Path,
) -> list[str]:
    """The lines `up` prints once everything is ready: where each part of the system is."""

    def base(service: str) -> str:
        port = values["gateway_port"] if "gateway" in started else values[f"{service}_port"]
        return f"http://127.0.0.1:{port}"

    lines = ["EdQuill is up."]
    if "registrar" in started:
        lines.append(f"  registrar workspace  {base('registrar')}/admin/registrar")
        lines.append(f"  sign in              {base('registrar')}/login")
        if slug:
            lines.append(f"  family form          {base('registrar')}/register/{slug}")
        lines.append(f"  family links         {base('registrar')}/family")
    if "dashboard" in started:
        lines.append(f"  dashboard            {base('dashboard')}/admin/dashboard")
    if "gateway" in started:
        lines.append(f"  gateway              {base('registrar')}  (nginx, every path on one port)")
    lines.append(
        f"  mail sink            http://127.0.0.1:{values['mail_http_port']}/messages"
        f"  (receives {redact_url(settings.smtp_url)})"
    )
    metrics = [f"http://127.0.0.1:{values[f'relay_{n}_metrics_port']}/metrics" for n in (1, 2)]
    metrics += [
        f"http://127.0.0.1:{values[f'{s}_port']}/metrics"
        for s in ("registrar", "dashboard", "kpi", "notifier")
        if s in started
    ]
    lines.append("  metrics              " + "\n                       ".join(metrics))
    lines.append(f"  logs                 {log_dir}")
    if seed_output:
        lines.append("Demo data (edquill demo seed):")
        lines += [f"  {line}" for line in seed_output.splitlines()]
    lines.append("Press Ctrl-C to stop.")
    return lines


@click.command("up")
@click.option("--no-seed", is_flag=True, help="Do not run `edquill demo seed`.")
@click.option(
    "--var-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=ROOT / "var",
    show_default=True,
    help="Logs, received mail and the gateway's rendered config go here.",
)
@click.option(
    "--mail-http-port",
    default=8025,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="The mail sink's listing of received mail.",
)
@click.option(
    "--relay-metrics-port",
    default=9400,
    show_default=True,
    type=click.IntRange(1, 65534),
    help="Relay 1's metrics port; relay 2 uses the next.",
)
def up_command(no_seed: bool, var_dir: Path, mail_http_port: int, relay_metrics_port: int) -> None:
    """The whole system on one machine, in development mode: migrations, demo data, every
    service, the gateway."""
    stop_requested = stop_event_on_signals("edquill up")
    var_dir = var_dir.resolve()
    nginx = gateway.nginx_command(var_dir / "nginx" / "nginx.conf")
    os.environ.update(development_environment(var_dir, gateway_runs=nginx is not None))
    settings = settings_from_env()
    click.echo(
        f"EDQUILL_ENV=development: a developer's machine, not for families; "
        f"links under {settings.public_url}"
    )
    values = run_values(settings, var_dir, mail_http_port, relay_metrics_port)
    programs = [program for program in PROGRAMS if is_available(program)]
    ensure_ports_free(values, programs, gateway_wanted=nginx is not None)

    applied = migrations.apply_all(settings)
    click.echo(f"migrations: {len(applied)} applied")
    # Before the relays start: an event published before its consumer's queue exists is lost
    # to that consumer.
    click.echo(f"queues: {len(declare_consumer_queues(settings))} declared")
    seed_output = "" if no_seed else seed_demo()
    if nginx:
        gateway.write_local_config(settings, var_dir / "nginx")
    children = ChildProcesses(var_dir / "log")
    try:
        started = start_children(children, programs, values, nginx, stop_requested)
        if not stop_requested.is_set():
            click.echo(
                "\n".join(
                    describe(
                        started, values, settings, first_school_slug(), seed_output, var_dir / "log"
                    )
                )
            )
            children.watch(stop_requested)
    except (ChildExited, NotReady) as exc:
        raise StartupFailed(f"{exc}; stopped the rest") from None
    finally:
        click.echo("stopping...")
        children.stop_all()
    click.echo("stopped.")
