"""Every web service believes forwarded headers from its trusted proxies only: the one
mechanism (shared.web.create_api) reaches each app. No network: apps are built, not served."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import jsonify, request

from dashboard.entrypoints.app import create_app as dashboard_app
from kpi.entrypoints.app import create_app as kpi_app
from notifier.entrypoints.app import create_app as notifier_app
from registrar.entrypoints.app import create_app as registrar_app
from shared.config import development_settings

FACTORIES = {
    "registrar": registrar_app,
    "dashboard": dashboard_app,
    "kpi": kpi_app,
    "notifier": notifier_app,
}
FORWARDED = {
    "X-Forwarded-For": "198.51.100.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "enrol.school.example",
}


def what_the_app_sees(service: str, peer: str) -> dict:
    settings = replace(development_settings(), trusted_proxies=("10.0.0.0/8",))
    app = FACTORIES[service](settings, {"TESTING": True})
    app.add_url_rule(
        "/test-only/seen",
        "test_only_seen",
        lambda: jsonify(address=request.remote_addr, secure=request.is_secure, host=request.host),
    )
    answer = app.test_client().get(
        "/test-only/seen", headers=FORWARDED, environ_base={"REMOTE_ADDR": peer}
    )
    return answer.get_json()


@pytest.mark.parametrize("service", sorted(FACTORIES))
def test_a_trusted_proxys_forwarded_headers_are_believed(service):
    assert what_the_app_sees(service, "10.0.0.2") == {
        "address": "198.51.100.7",
        "secure": True,
        "host": "enrol.school.example",
    }


@pytest.mark.parametrize("service", sorted(FACTORIES))
def test_anyone_elses_are_not(service):
    assert what_the_app_sees(service, "127.0.0.1") == {
        "address": "127.0.0.1",
        "secure": False,
        "host": "localhost",
    }
