"""The address a request came from, and the key per-address limits count it under.

Services listen behind the gateway (deploy/nginx), which appends the address it saw to
X-Forwarded-For; shared.trusted_proxies believes that entry only when the direct peer is a
trusted proxy (EDQUILL_TRUSTED_PROXIES), before any view runs. request.remote_addr is then the
client's address, and a client cannot pick its own by sending the header.

Limits count an IPv4 client per address and an IPv6 client per /64 network: a home or an
office is given a whole /64 and may use any address in it, so a per-address count would let
it start afresh with every attempt.
"""

from __future__ import annotations

import ipaddress

from flask import request

from shared.trusted_proxies import ip_address_or_none

# The smallest network an IPv6 site is handed (RFC 6177); its hosts choose addresses freely.
IPV6_CLIENT_PREFIX = 64


def client_address() -> str:
    """The client's own address, as records of what it did keep it."""
    return request.remote_addr or "unknown"


def client_limit_key() -> str:
    """What per-address limits count this request under."""
    return limit_key(client_address())


def limit_key(address: str) -> str:
    """An IPv4 address as it is; an IPv6 address as its /64 network ('2001:db8:1:2::/64')."""
    parsed = ip_address_or_none(address)
    if parsed is None:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(parsed)
