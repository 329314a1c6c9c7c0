"""Prometheus exposition for one process or for all of gunicorn's workers, and the request
metrics every HTTP service records.

Under gunicorn, `edquill serve` sets PROMETHEUS_MULTIPROC_DIR (wiped at start) so each
scrape gathers every worker's samples with a fresh registry, as prometheus_client documents.
"""

from __future__ import annotations

import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

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


def metrics_payload() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


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
