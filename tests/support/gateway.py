"""The real nginx gateway in front of services the tests started: deploy/nginx/edquill.conf
rendered as `edquill up` renders it, on a free port, in its own directory."""

from __future__ import annotations

import socket
import subprocess
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from devtools import gateway
from shared.config import Settings
from tests.support.tcp_proxy import free_port
from tests.support.waiting import wait_until


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


@contextmanager
def running_gateway(settings: Settings, state_dir: Path, **service_urls: str) -> Iterator[str]:
    """nginx routing to the services at `service_urls` (registrar=..., dashboard=...) and
    trusting settings.trusted_proxies; yields its URL."""
    ports = {
        **settings.ports,
        "gateway": free_port(),
        **{service: port_of(url) for service, url in service_urls.items()},
    }
    config = gateway.write_local_config(replace(settings, ports=ports), state_dir)
    nginx = subprocess.Popen(
        gateway.nginx_command(config), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_until(
            lambda: nginx.poll() is not None or _listening(ports["gateway"]),
            timeout=20,
            what="nginx to listen",
        )
        assert nginx.poll() is None, nginx.stderr.read().decode()
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
