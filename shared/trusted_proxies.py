"""Which X-Forwarded-For, -Proto and -Host headers a service believes: a trusted proxy's only.

Every service sits behind the gateway (deploy/nginx/edquill.conf), which appends the address
it saw to X-Forwarded-For and sets X-Forwarded-Proto and -Host. werkzeug's ProxyFix applies
such headers, but it trusts by hop count, whoever sent the request; here it applies only when
the direct peer is in EDQUILL_TRUSTED_PROXIES (Settings.proxy_networks). Anyone else reaching a
service's port cannot choose the address its limits count, the scheme its cookies are marked
Secure by, or the host its redirects are built on: their headers are removed before any view
runs, so nothing later can read them by mistake.

A value no proxy of ours writes (an X-Forwarded-For entry that is not an IP address, a scheme
other than http or https, a host with characters no host has) is dropped, and the peer's own
value kept: a garbled header costs the client its forwarded address, never a 500.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Callable, Iterable

from werkzeug.middleware.proxy_fix import ProxyFix

# The gateway is the one hop in front of a service; only its own entry, the last, is believed.
# Entries before it are the client's claims, or were already resolved by the gateway itself
# (nginx's realip module believes the proxies in front of it; see deploy/nginx/edquill.conf).
TRUSTED_HOPS = 1
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")
SCHEMES = frozenset({"http", "https"})
# A DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port.
_HOST = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def peer_is_trusted(peer: str | None, networks: Iterable[Network]) -> bool:
    """Whether `peer` (a socket's address) is one of the trusted proxies'."""
    address = ip_address_or_none(peer)
    return address is not None and any(address in network for network in networks)


def ip_address_or_none(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address, an IPv4-mapped IPv6 one (a dual-stack socket's) read as IPv4; else None."""
    try:
        address = ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class TrustedProxyFix:
    """WSGI middleware: ProxyFix for requests whose direct peer is a trusted proxy."""

    def __init__(self, app: Callable, networks: Iterable[Network]):
        self.networks = tuple(networks)
        self._direct = app
        self._through_proxy = ProxyFix(
            _keep_well_formed(app), x_for=TRUSTED_HOPS, x_proto=TRUSTED_HOPS, x_host=TRUSTED_HOPS
        )

    def __call__(self, environ: dict, start_response: Callable):
        if peer_is_trusted(environ.get("REMOTE_ADDR"), self.networks):
            return self._through_proxy(environ, start_response)
        for header in FORWARDED_HEADERS:
            environ.pop(header, None)
        return self._direct(environ, start_response)


def _keep_well_formed(app: Callable) -> Callable:
    """Runs after ProxyFix: put back the peer's own value wherever a forwarded one is bad."""

    def checked(environ: dict, start_response: Callable):
        original = environ["werkzeug.proxy_fix.orig"]
        address = ip_address_or_none(environ.get("REMOTE_ADDR"))
        environ["REMOTE_ADDR"] = str(address) if address else original["REMOTE_ADDR"]
        if environ.get("wsgi.url_scheme") not in SCHEMES:
            environ["wsgi.url_scheme"] = original["wsgi.url_scheme"]
        if not _HOST.fullmatch(environ.get("HTTP_HOST") or ""):
            for key in ("HTTP_HOST", "SERVER_NAME", "SERVER_PORT"):
                if original[key] is None:
                    environ.pop(key, None)
                else:
                    environ[key] = original[key]
        return app(environ, start_response)

    return checked
