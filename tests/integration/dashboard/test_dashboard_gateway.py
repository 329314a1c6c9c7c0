"""The dashboard behind the nginx gateway (deploy/nginx/edquill.conf, rendered as `edquill up`
does): one origin, so the sign-in redirect and the rail's links are paths."""
from __future__ import annotations

import socket
import subprocess
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from shared import gateway
from tests.integration.dashboard.test_dashboard_page import request
from tests.support.dashboard import submitted
from tests.support.tcp_proxy import free_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.skipif(gateway.find_nginx() is None, reason="nginx is not installed")


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def gateway_url(settings, registrar_service, dashboard_service, kpi_service, notifier_service,
                tmp_path_factory):
    ports = {**settings.ports, "registrar": port_of(registrar_service.url),
             "dashboard": port_of(dashboard_service.url), "kpi": port_of(kpi_service.url),
             "notifier": port_of(notifier_service.url), "gateway": free_port()}
    config = gateway.write_local_config(replace(settings, ports=ports),
                                        tmp_path_factory.mktemp("nginx"))
    nginx = subprocess.Popen(gateway.nginx_command(config), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{ports['gateway']}"
    try:
        wait_until(lambda: nginx.poll() is not None or _listening(ports["gateway"]),
                   timeout=20, what="nginx to listen")
        assert nginx.poll() is None, nginx.stderr.read().decode()
        yield url
    finally:
        nginx.terminate()
        nginx.wait(10)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_through_the_gateway_sign_in_is_a_path_on_the_same_origin(gateway_url):
    status, headers, _body = request(gateway_url, "/admin/dashboard?range=90d")

    assert status == 303
    assert headers["Location"] == "/login?next=%2Fadmin%2Fdashboard%3Frange%3D90d"


def test_through_the_gateway_the_rail_links_to_the_workspace_by_path(gateway_url, make_school,
                                                                     worker):
    school = make_school()
    worker.publish(submitted(school.id, 8, datetime.now(timezone.utc) - timedelta(days=3),
                             first="Gia", last="Gateway"))
    worker.wait_until_settled()

    status, _headers, page = request(gateway_url, "/admin/dashboard",
                                     cookie=school.tokens["viewer"])
    api_status, _headers, answer = request(gateway_url, "/api/dashboard",
                                           headers={"Accesstoken": school.tokens["viewer"]})

    assert status == 200
    assert '<a href="/admin/registrar?registration=8">Gia Gateway:' in page
    assert 'action="/logout"' in page
    assert api_status == 200
    assert '"href":"/admin/registrar?registration=8"' in answer.replace(" ", "")


def test_through_the_gateway_the_api_without_a_token_is_a_json_401(gateway_url):
    status, headers, body = request(gateway_url, "/api/dashboard")

    assert status == 401
    assert headers["Content-Type"] == "application/json"
    assert '"code":"unauthorized"' in body.replace(" ", "")
