"""Forwarded headers believed from trusted proxies only (no network: a WSGI app called
in-process with the peer address a socket would give)."""

from __future__ import annotations

import ipaddress

import pytest
from flask import Flask, jsonify, request

from shared.trusted_proxies import TrustedProxyFix, peer_is_trusted

GATEWAY_NETWORKS = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1"))


@pytest.fixture
def client():
    app = Flask(__name__)

    @app.get("/seen")
    def seen():
        return jsonify(
            address=request.remote_addr,
            scheme=request.scheme,
            host=request.host,
            forwarded_for=request.headers.get("X-Forwarded-For"),
        )

    app.wsgi_app = TrustedProxyFix(app.wsgi_app, GATEWAY_NETWORKS)
    return app.test_client()


def seen(client, peer: str, **headers) -> dict:
    sent = {name.replace("_", "-"): value for name, value in headers.items()}
    answer = client.get(
        "/seen",
        headers=sent,
        base_url="http://service.internal:8001",
        environ_base={"REMOTE_ADDR": peer},
    )
    assert answer.status_code == 200
    return answer.get_json()


def test_from_a_trusted_proxy_the_forwarded_address_scheme_and_host_are_believed(client):
    assert seen(
        client,
        "10.1.2.3",
        X_Forwarded_For="198.51.100.7",
        X_Forwarded_Proto="https",
        X_Forwarded_Host="enrol.school.example",
    ) == {
        "address": "198.51.100.7",
        "scheme": "https",
        "host": "enrol.school.example",
        "forwarded_for": "198.51.100.7",
    }


def test_from_anyone_else_the_forwarded_headers_are_ignored_and_removed(client):
    assert seen(
        client,
        "203.0.113.5",
        X_Forwarded_For="198.51.100.7",
        X_Forwarded_Proto="https",
        X_Forwarded_Host="enrol.school.example",
    ) == {
        "address": "203.0.113.5",
        "scheme": "http",
        "host": "service.internal:8001",
        "forwarded_for": None,
    }


def test_only_the_last_hop_which_the_gateway_appended_is_believed(client):
    assert (
        seen(client, "10.1.2.3", X_Forwarded_For="192.0.2.66, 198.51.100.7")["address"]
        == "198.51.100.7"
    )


def test_a_forwarded_ipv6_address_is_believed_in_its_short_form(client):
    assert seen(client, "::1", X_Forwarded_For="2001:DB8:0:0::1")["address"] == "2001:db8::1"


def test_a_malformed_forwarded_for_falls_back_to_the_peer(client):
    assert seen(client, "10.1.2.3", X_Forwarded_For="not-an-address")["address"] == "10.1.2.3"
    assert (
        seen(client, "10.1.2.3", X_Forwarded_For="198.51.100.7, 999.1.2.3")["address"] == "10.1.2.3"
    )


def test_a_scheme_other_than_http_or_https_falls_back_to_the_peers(client):
    assert seen(client, "10.1.2.3", X_Forwarded_Proto="javascript")["scheme"] == "http"


def test_a_host_with_characters_no_host_has_falls_back_to_the_peers(client):
    assert (
        seen(client, "10.1.2.3", X_Forwarded_Host="evil.example/path?x")["host"]
        == "service.internal:8001"
    )


def test_a_dual_stack_peer_is_matched_as_the_ipv4_address_it_is():
    assert peer_is_trusted("::ffff:10.1.2.3", GATEWAY_NETWORKS)
    assert not peer_is_trusted("::ffff:203.0.113.5", GATEWAY_NETWORKS)


def test_a_peer_that_is_no_address_is_not_trusted():
    assert not peer_is_trusted(None, GATEWAY_NETWORKS)
    assert not peer_is_trusted("unix-socket", GATEWAY_NETWORKS)
