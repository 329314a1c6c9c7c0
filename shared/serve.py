"""`edquill serve <service>`: a service's Flask app under gunicorn.

The app is built by the service's factory in each worker after the fork (no connection is
opened in the master). Factories register under the `edquill.apps` entry point group.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib.metadata import entry_points

import click
from gunicorn.app.base import BaseApplication

from shared.config import Settings

# Sync threads per worker: requests mostly wait on MySQL, so a few threads keep a core busy.
THREADS_PER_WORKER = 4
# Seconds an idle connection from the gateway stays open. nginx drops its idle upstream
# connections sooner (keepalive_timeout in deploy/nginx/edquill.conf), so it never sends a
# request down a connection this side is closing: a POST lost that way is not retried.
KEEPALIVE_SECONDS = 5


def _factories():
    return {entry.name: entry for entry in entry_points(group="edquill.apps")}


class _Gunicorn(BaseApplication):
    def __init__(self, factory, settings: Settings, options: dict):
        self._factory, self._settings, self._options = factory, settings, options
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        return self._factory(self._settings)


def _child_exit(_server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


@click.command("serve")
@click.argument("service", type=click.Choice(["registrar", "dashboard", "kpi", "notifier"]))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--instance",
    default=1,
    show_default=True,
    type=click.IntRange(1, 2),
    help="Which of the service's pair behind the gateway: 1 listens on EDQUILL_<SERVICE>_PORT, "
    "2 on EDQUILL_<SERVICE>_SECOND_PORT.",
)
@click.option("--port", type=click.IntRange(0, 65535), help="Default: the instance's port.")
@click.option(
    "--workers", default=(os.cpu_count() or 1) * 2, show_default=True, type=click.IntRange(1, 64)
)
@click.pass_obj
def serve_command(
    settings: Settings, service: str, host: str, instance: int, port: int | None, workers: int
) -> None:
    """Serve a service's HTTP API (and pages) with gunicorn."""
    factories = _factories()
    if service not in factories:
        raise click.ClickException(f"the {service} service has no HTTP app in this install")
    # A fresh, empty directory per server: samples of an earlier run must not be summed in,
    # nor those of the pair's other instance (it answers its own scrapes).
    metrics_dir = tempfile.mkdtemp(prefix=f"edquill-{service}-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        _serve(
            factories[service].load(),
            settings,
            f"{host}:{port or settings.instance_port(service, instance)}",
            workers,
        )
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)


def _serve(factory, settings: Settings, bind: str, workers: int) -> None:
    _Gunicorn(
        factory,
        settings,
        {
            "bind": bind,
            "workers": workers,
            # Several services run side by side; nothing here uses gunicorn's control socket,
            # and one shared default path would have them fight over it.
            "control_socket_disable": True,
            # Forwarded headers are judged once, by the app (shared.trusted_proxies, from
            # EDQUILL_TRUSTED_PROXIES): gunicorn's own default would believe X-Forwarded-Proto
            # from any local peer, whatever the operator trusts.
            "forwarded_allow_ips": "",
            "secure_scheme_headers": {},
            "threads": THREADS_PER_WORKER,
            "worker_class": "gthread",
            "accesslog": None,
            "graceful_timeout": 20,
            "keepalive": KEEPALIVE_SECONDS,
            "child_exit": _child_exit,
        },
    ).run()
