"""The dashboard's reading of /api/kpi/overview: a usable answer becomes figures, anything else
fails in the call (the dashboard then shows the figures stale), never half-read."""

from __future__ import annotations

import http.server
import json
import threading
from datetime import date

import pytest

from dashboard.adapters.kpi_client import KpiClient, TrendDay
from dashboard.domain.periods import Period
from shared.service_client import ServiceUnavailable

PERIOD = Period(date(2025, 11, 12), date(2025, 11, 13))
FIGURES = {
    "leads": 3,
    "enrollments": 1,
    "conversion_rate": 0.3333,
    "median_hours_to_decision": None,
    "invoiced_minor": 20_000,
    "collected_minor": 0,
}


def overview(**changes) -> dict:
    answer = {
        "school_id": 1,
        "from": "2025-11-12",
        "to": "2025-11-13",
        "summary": {"from": "2025-11-12", "to": "2025-11-13", **FIGURES},
        "previous": {"from": "2025-11-10", "to": "2025-11-11", **FIGURES, "leads": 2},
        "trend": [
            {"day": "2025-11-12", "leads": 0, "enrollments": 0},
            {"day": "2025-11-13", "leads": 3, "enrollments": 1},
        ],
    }
    answer.update(changes)
    return answer


@pytest.fixture
def kpi_answering():
    """kpi_answering(body) -> the URL of a loopback server answering every GET with it."""
    servers = []

    def serve(body: bytes) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def test_an_overview_becomes_the_periods_figures_and_trend(kpi_answering):
    client = KpiClient(kpi_answering(json.dumps(overview()).encode()), timeout_seconds=2)

    figures = client.overview("token", PERIOD)

    assert figures.figures == FIGURES
    assert figures.previous_figures["leads"] == 2
    assert figures.trend == [TrendDay(date(2025, 11, 12), 0, 0), TrendDay(date(2025, 11, 13), 3, 1)]


@pytest.mark.parametrize(
    "body",
    [
        json.dumps(overview(previous={"from": "2025-11-01", "to": "2025-11-11", **FIGURES})),
        json.dumps(overview(summary={**FIGURES, "leads": "three"})),
        json.dumps(overview(trend=[{"day": "13 November", "leads": 3, "enrollments": 1}])),
        json.dumps({"error": "not an overview"}),
        "<html>not JSON</html>",
    ],
    ids=[
        "another-previous-period",
        "a-figure-not-a-number",
        "a-day-not-a-date",
        "fields-missing",
        "not-json",
    ],
)
def test_an_answer_that_cannot_be_read_fails_the_call(kpi_answering, body):
    client = KpiClient(kpi_answering(body.encode()), timeout_seconds=2)

    with pytest.raises(ServiceUnavailable):
        client.overview("token", PERIOD)
