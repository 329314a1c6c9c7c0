"""The real nginx gateway in front of services the tests started: deploy/nginx/edquill.conf
rendered as `edquill up` renders it (or with both instances of each service, as shipped), on
a free port, in its own directory; its error log is state_dir/ERROR_LOG."""

from __future__ import annotations

import socket
import subprocess
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator, Mapping

from devtools import gateway
from devtools.ports import free_port
from shared.config import Settings
from tests.support.waiting import wait_until

ERROR_LOG = "nginx-error.log"


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


@contextmanager
def running_gateway(
    settings: Settings,
    state_dir: Path,
    *,
    gateway_port: int | None = None,
    second_instances: Mapping[str, str] | None = None,
    **service_urls: str,
) -> Iterator[str]:
    """nginx routing to the services at `service_urls` (registrar=..., dashboard=...), and
    to each service's second instance at `second_instances` when given, trusting
    settings.trusted_proxies; yields its URL. The services may start after it."""
    ports = {
        **settings.ports,
        "gateway": gateway_port or free_port(),
        **{service: port_of(url) for service, url in service_urls.items()},
    }
    second_ports = {service: port_of(url) for service, url in (second_instances or {}).items()}
    config = gateway.write_local_config(
        replace(settings, ports=ports, second_ports=second_ports),
        state_dir,
        pairs=second_instances is not None,
    )
    error_log = state_dir / ERROR_LOG
    # A file, not a pipe nobody reads: an upstream refusing connections is logged each time.
    with open(error_log, "w") as errors:
        nginx = subprocess.Popen(
            gateway.nginx_command(config), stdout=subprocess.DEVNULL, stderr=errors
        )
    try:
        wait_until(
            lambda: nginx.poll() is not None or _listening(ports["gateway"]),
            timeout=20,
            what="nginx to listen",
        )
        assert nginx.poll() is None, error_log.read_text()
        yield f"http://127.0.0.1:{ports['gateway']}"
    finally:
        nginx.terminate()
        nginx.wait(10)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False
