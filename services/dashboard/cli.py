"""`edquill dashboard ...`: the dashboard's worker."""
from __future__ import annotations

import click
from prometheus_client import start_http_server

from dashboard.bootstrap import bootstrap
from shared.config import ConfigError, Settings
from shared.consumer import run_until_signalled


@click.group("dashboard")
def dashboard() -> None:
    """The admin dashboard's action rail, kept from events."""


@dashboard.command("worker")
@click.option("--metrics-port", default=0, type=click.IntRange(0, 65535),
              help="Serve the worker's Prometheus metrics on this port (0: do not serve).")
@click.pass_obj
def worker(settings: Settings, metrics_port: int) -> None:
    """Keep the action rail from selfreg.*, invoice.* and school.* events until SIGTERM/SIGINT."""
    try:
        consumer = bootstrap(settings)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if metrics_port:
        start_http_server(metrics_port)
    run_until_signalled(consumer)
