"""The dashboard behind the nginx gateway (deploy/nginx/edquill.conf, rendered as `edquill up`
does): one origin, so the sign-in redirect and the rail's links are paths."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from devtools import gateway
from tests.integration.dashboard.test_dashboard_page import request
from tests.support.dashboard import submitted
from tests.support.gateway import running_gateway

pytestmark = pytest.mark.skipif(gateway.find_nginx() is None, reason="nginx is not installed")


@pytest.fixture(scope="module")
def gateway_url(
    settings, registrar_service, dashboard_service, kpi_service, notifier_service, tmp_path_factory
):
    with running_gateway(
        settings,
        tmp_path_factory.mktemp("nginx"),
        registrar=registrar_service.url,
        dashboard=dashboard_service.url,
        kpi=kpi_service.url,
        notifier=notifier_service.url,
    ) as url:
        yield url


def test_through_the_gateway_sign_in_is_a_path_on_the_same_origin(gateway_url):
    status, headers, _body = request(gateway_url, "/admin/dashboard?range=90d")

    assert status == 303
    assert headers["Location"] == "/login?next=%2Fadmin%2Fdashboard%3Frange%3D90d"


def test_through_the_gateway_the_rail_links_to_the_workspace_by_path(
    gateway_url, make_school, worker
):
    school = make_school()
    worker.publish(
        submitted(
            school.id,
            8,
            datetime.now(timezone.utc) - timedelta(days=3),
            first="Gia",
            last="Gateway",
        )
    )
    worker.wait_until_settled()

    status, _headers, page = request(
        gateway_url, "/admin/dashboard", cookie=school.tokens["viewer"]
    )
    api_status, _headers, answer = request(
        gateway_url, "/api/dashboard", headers={"Accesstoken": school.tokens["viewer"]}
    )

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
