"""`edquill notifier ...`: the notifier's commands."""
from __future__ import annotations

import logging
import signal
import threading

import click
from prometheus_client import start_http_server

from notifier.bootstrap import bootstrap
from notifier.config import NotifierConfig
from shared.config import ConfigError, Settings

log = logging.getLogger(__name__)


@click.group("notifier")
def notifier() -> None:
    """The notifier: e-mail to families from registration and invoice events."""


@notifier.command("worker")
@click.option("--metrics-port", type=click.IntRange(1, 65535), default=None,
              help="Serve Prometheus metrics on this port.")
@click.pass_obj
def worker(settings: Settings, metrics_port: int | None) -> None:
    """Consume events, send queued mail over SMTP, fire reminders; until SIGTERM/SIGINT."""
    try:
        config = NotifierConfig.from_env()
        notifier_worker = bootstrap(settings, config)  # loads EDQUILL_SMTP_URL's cafile
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if metrics_port:
        start_http_server(metrics_port, addr="127.0.0.1")
    stopping = threading.Event()

    def request_stop(signum, _frame) -> None:
        log.info("notifier: %s received, stopping after the work in hand",
                 signal.Signals(signum).name)
        stopping.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, request_stop)
    notifier_worker.run(stopping)
