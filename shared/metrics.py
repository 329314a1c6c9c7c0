"""Prometheus exposition for one process or for all of gunicorn's workers, and the request
metrics every HTTP service records.

Under gunicorn, `edquill serve` sets PROMETHEUS_MULTIPROC_DIR (wiped at start) so each
scrape gathers every worker's samples with a fresh registry, as prometheus_client documents.
Figures a service reads at scrape time (from its database) are not samples of any worker:
they are collected by the worker that answers the scrape, after the multiprocess ones.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import Metric

# Metric families read afresh at each scrape (a gauge of a table, say).
ScrapeTimeMetrics = Callable[[], Iterable[Metric]]

# Request latencies of an API that answers most calls from one indexed query: the buckets are
# dense below 100 ms, where the targets are, and coarse above.
_LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

REQUEST_DURATION = Histogram(
    "edquill_http_request_duration_seconds",
    "HTTP request duration, by route and status",
    ["method", "endpoint", "status"],
    buckets=_LATENCY_BUCKETS,
)
REQUESTS = Counter(
    "edquill_http_requests_total",
    "HTTP requests answered, by route and status",
    ["method", "endpoint", "status"],
)


class _ReadAtScrape:
    """A collector (anything with collect(), to prometheus_client) over a function."""

    def __init__(self, read: ScrapeTimeMetrics):
        self._read = read

    def collect(self) -> Iterable[Metric]:
        return self._read()


def metrics_payload(read_at_scrape: ScrapeTimeMetrics | None = None) -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry)
    if read_at_scrape is not None:
        body += generate_latest(_ReadAtScrape(read_at_scrape))
    return body, CONTENT_TYPE_LATEST


def register_request_metrics(app) -> None:
    """Time every request of a Flask app; the endpoint label is the route's rule (bounded),
    "unmatched" for URLs no route knows, so a scan cannot explode the label set."""
    from flask import g, request

    @app.before_request
    def _start_timer():
        g.edquill_request_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.pop("edquill_request_started", None)
        if started is not None:
            rule = request.url_rule.rule if request.url_rule is not None else "unmatched"
            labels = (request.method, rule, str(response.status_code))
            REQUEST_DURATION.labels(*labels).observe(time.perf_counter() - started)
            REQUESTS.labels(*labels).inc()
        return response
