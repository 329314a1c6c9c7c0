"""The nginx gateway on one machine: deploy/nginx/edquill.conf rendered with this run's ports.

The deploy file names the services' default ports (two instances of each) and trusts the
proxies of this machine; `render_site` swaps in the ports and trusted proxies
(EDQUILL_TRUSTED_PROXIES) of the settings in use, keeping a service's second server only when
its second instance runs, and `write_local_config` wraps the result in a main nginx.conf that
runs unprivileged, in the foreground, with every path it writes under one directory.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Iterable, Mapping

from shared.config import DEFAULT_TRUSTED_PROXIES, Settings
from shared.paths import ROOT

SITE_TEMPLATE = ROOT / "deploy" / "nginx" / "edquill.conf"
UPSTREAMS = ("registrar", "dashboard", "kpi", "notifier")

_MAIN_CONFIG = """\
# Written by `edquill up`; the site below is deploy/nginx/edquill.conf with this run's ports.
daemon off;
worker_processes 1;
pid {state}/nginx.pid;
error_log stderr warn;
events {{
    worker_connections 512;
}}
http {{
    access_log {state}/access.log;
    client_body_temp_path {state}/client_body;
    proxy_temp_path {state}/proxy;
    fastcgi_temp_path {state}/fastcgi;
    uwsgi_temp_path {state}/uwsgi;
    scgi_temp_path {state}/scgi;
    include {site};
}}
"""


def render_site(
    template: str,
    ports,
    host: str = "127.0.0.1",
    trusted_proxies: Iterable[str] = DEFAULT_TRUSTED_PROXIES,
    second_ports: Mapping[str, int] | None = None,
) -> str:
    """The site config with each upstream's first server on `host`:its port, its second
    server on `host`:second_ports[service] (or no second server when the service has none
    there: a gateway names only instances that run), the gateway on its port, and the
    forwarded headers of `trusted_proxies` (CIDRs) believed."""
    defaults = Settings()
    rendered = template
    for service in UPSTREAMS:
        rendered = _with_instances(
            rendered,
            service,
            f"{host}:{ports[service]}",
            f"{host}:{second_ports[service]}" if service in (second_ports or {}) else None,
            defaults,
        )
    rendered, count = re.subn(
        rf"\blisten {defaults.ports['gateway']};", f"listen {host}:{ports['gateway']};", rendered
    )
    if count != 1:
        raise ValueError(f"{SITE_TEMPLATE.name} has no 'listen {defaults.ports['gateway']};' line")
    return _with_trusted_proxies(rendered, tuple(trusted_proxies))


def _with_instances(
    site: str, service: str, first: str, second: str | None, defaults: Settings
) -> str:
    """The service's upstream with its two shipped servers at `first` and `second` (the
    second server's line removed when `second` is None); each server keeps its parameters."""
    pattern = (
        rf"(upstream edquill_{service}\s*\{{\s*server )127\.0\.0\.1:{defaults.ports[service]}"
        rf"([^;\n]*;)(\n\s*server )127\.0\.0\.1:{defaults.second_ports[service]}([^;\n]*;)"
    )

    def placed(found: re.Match) -> str:
        head = found.group(1) + first + found.group(2)
        return head + (found.group(3) + second + found.group(4) if second else "")

    site, count = re.subn(pattern, placed, site)
    if count != 1:
        raise ValueError(
            f"{SITE_TEMPLATE.name} has no upstream edquill_{service} of two servers to render"
        )
    return site


def _with_trusted_proxies(site: str, cidrs: tuple[str, ...]) -> str:
    """Both lists of trusted proxies (realip's and the geo block's) set to `cidrs`."""
    real_ip_lines = "".join(f"set_real_ip_from {cidr};\n" for cidr in cidrs)
    site, count = re.subn(
        r"(?:^set_real_ip_from [^;\n]+;\n)+", lambda _: real_ip_lines, site, flags=re.M
    )
    if count != 1:
        raise ValueError(f"{SITE_TEMPLATE.name} has no block of set_real_ip_from lines")
    geo_entries = "".join(f"    {cidr} 1;\n" for cidr in cidrs)
    site, count = re.subn(
        r"(geo \$realip_remote_addr \$edquill_peer_is_trusted_proxy \{\n"
        r"\s*default 0;\n)(?:\s*[^\s;]+ 1;\n)*",
        lambda found: found.group(1) + geo_entries,
        site,
    )
    if count != 1:
        raise ValueError(f"{SITE_TEMPLATE.name} has no geo block of trusted proxies")
    return site


def write_local_config(settings: Settings, state_dir: Path, *, pairs: bool = False) -> Path:
    """Write nginx.conf (and the rendered site) under state_dir; returns nginx.conf's path.
    With `pairs`, each upstream holds both instances (settings.second_ports too)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    site = state_dir / "edquill.conf"
    site.write_text(
        render_site(
            SITE_TEMPLATE.read_text(),
            settings.ports,
            trusted_proxies=settings.trusted_proxies,
            second_ports=settings.second_ports if pairs else None,
        )
    )
    main = state_dir / "nginx.conf"
    main.write_text(_MAIN_CONFIG.format(state=state_dir.resolve(), site=site.resolve()))
    return main


def find_nginx() -> str | None:
    """nginx's path, or None when it is not installed (Debian keeps it in /usr/sbin)."""
    return shutil.which("nginx") or next(
        (str(p) for p in (Path("/usr/sbin/nginx"), Path("/usr/local/sbin/nginx")) if p.exists()),
        None,
    )


def nginx_command(config: Path) -> list[str] | None:
    """The command that runs nginx on `config`, or None when nginx is not installed."""
    nginx = find_nginx()
    if nginx is None:
        return None
    return [nginx, "-p", str(config.parent.resolve()), "-c", str(config.resolve()), "-e", "stderr"]
