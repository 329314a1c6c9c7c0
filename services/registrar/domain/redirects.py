"""Where a page may send the browser after sign-in: the `next` parameter, checked so that
/login can never be used to bounce a signed-in person to another site (an open redirect).

Accepted:
  - a local path: starts with one "/" (not "//", which browsers read as another host), with
    no backslash and no control character (browsers turn "\\" into "/");
  - an absolute http(s) URL whose origin is a trusted one (the caller gives EDQUILL_PUBLIC_URL's),
    or whose host is the host the request came to, on one of
    the system's known ports (the services' and the gateway's) or the request's own port:
    the dashboard on its own port sends people to /login?next=http://host:8002/admin/dashboard.
Nothing else, and no URL with a user name or password in it.
"""

from __future__ import annotations

from typing import Iterable
from urllib.parse import urlsplit

# Longer than any page address of ours; a longer `next` is refused rather than echoed.
MAX_NEXT_LENGTH = 2000

_DEFAULT_PORTS = {"http": 80, "https": 443}


def safe_next(
    value: str | None,
    *,
    request_host: str,
    known_ports: Iterable[int],
    trusted_origins: Iterable[str] = (),
) -> str | None:
    """`value` when it is a place sign-in may send the browser to, else None."""
    if (
        not value
        or len(value) > MAX_NEXT_LENGTH
        or "\\" in value
        or any(ord(character) < 32 or ord(character) == 127 for character in value)
    ):
        return None
    parts = urlsplit(value)
    if not parts.scheme and not parts.netloc:
        return value if value.startswith("/") and not value.startswith("//") else None
    if (
        parts.scheme not in _DEFAULT_PORTS
        or not parts.hostname
        or not _valid_port(parts)
        or parts.username is not None
        or parts.password is not None
    ):
        return None
    port = _port(parts.port, parts.scheme)
    if (parts.scheme, parts.hostname, port) in {_origin(url) for url in trusted_origins}:
        return value
    here = urlsplit(f"//{request_host}")
    if not here.hostname or not _valid_port(here):
        return None
    allowed_ports = {*known_ports, _port(here.port, parts.scheme)}
    if parts.hostname == here.hostname.lower() and port in allowed_ports:
        return value
    return None


def _origin(url: str) -> tuple[str, str, int] | None:
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or not _valid_port(parts):
        return None
    return parts.scheme, parts.hostname, _port(parts.port, parts.scheme)


def _port(port: int | None, scheme: str) -> int:
    return _DEFAULT_PORTS[scheme] if port is None else port


def _valid_port(parts) -> bool:
    try:
        parts.port
    except ValueError:
        return False
    return True
