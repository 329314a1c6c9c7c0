"""The address a request came from, for per-address limits.

Services listen on loopback behind the gateway (deploy/nginx), which appends the address it
saw to X-Forwarded-For. That header is believed only when the direct peer is loopback (the
gateway on this machine); its last entry is what the gateway saw. Entries before it are the
client's own claims and are ignored, so a client cannot pick its address by sending the header.
"""
from __future__ import annotations

import ipaddress

from flask import request


def client_address() -> str:
    return address_from(request.remote_addr, request.headers.get("X-Forwarded-For"))


def address_from(peer: str | None, forwarded_for: str | None) -> str:
    peer = peer or "unknown"
    if not forwarded_for or not _is_loopback(peer):
        return peer
    last_hop = forwarded_for.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(last_hop))
    except ValueError:
        return peer


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
