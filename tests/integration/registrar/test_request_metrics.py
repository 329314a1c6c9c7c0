"""Request metrics on GET /metrics: a duration histogram and a counter, by route and status,
in one process and summed over gunicorn's workers."""

from __future__ import annotations

import re
import socket
import urllib.error
import urllib.request

import pytest

from tests.support.processes import EdquillProcess
from tests.support.waiting import wait_until


def _sample(metrics: str, name: str, **labels) -> float:
    """The value of one sample, 0 when absent (labels matched whatever their order)."""
    for line in metrics.splitlines():
        if line.startswith(name + "{") and all(
            f'{key}="{value}"' in line for key, value in labels.items()
        ):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_requests_are_counted_and_timed_by_route_and_status(client, school):
    labels = {
        "method": "GET",
        "endpoint": "/api/admin/self-registration/<int:registration_id>",
        "status": "404",
    }
    before = client.get("/metrics").get_data(as_text=True)

    client.get("/api/admin/self-registration/999999999", headers=school.headers("viewer"))

    after = client.get("/metrics").get_data(as_text=True)
    assert (
        _sample(after, "edquill_http_requests_total", **labels)
        == _sample(before, "edquill_http_requests_total", **labels) + 1
    )
    assert (
        _sample(after, "edquill_http_request_duration_seconds_count", **labels)
        == _sample(before, "edquill_http_request_duration_seconds_count", **labels) + 1
    )


def test_an_unknown_url_is_counted_under_one_label(client):
    client.get("/no/such/page/" + "x" * 20)

    metrics = client.get("/metrics").get_data(as_text=True)
    assert _sample(metrics, "edquill_http_requests_total", endpoint="unmatched", status="404") >= 1
    assert "x" * 20 not in metrics


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


@pytest.fixture
def served_registrar(settings):
    port = _free_port()
    process = EdquillProcess(settings, "serve", "registrar", "--port", str(port), "--workers", "2")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: _get(base + "/healthz")[0] == 200,
            timeout=30,
            what="the registrar to answer /healthz",
        )
        yield base
    finally:
        process.stop()


def test_under_gunicorn_every_workers_requests_are_counted(served_registrar):
    requests = 20
    for _ in range(requests):
        _get(served_registrar + "/api/auth/me")

    _status, metrics = _get(served_registrar + "/metrics")

    assert (
        _sample(metrics, "edquill_http_requests_total", endpoint="/api/auth/me", status="401")
        == requests
    )
    assert re.search(
        r'edquill_http_request_duration_seconds_bucket\{.*endpoint="/api/auth/me"', metrics
    )
