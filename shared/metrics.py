"""Prometheus exposition for one process or for all of gunicorn's workers.

Under gunicorn, `edquill serve` sets PROMETHEUS_MULTIPROC_DIR (wiped at start) so each
scrape gathers every worker's samples with a fresh registry, as prometheus_client documents.
"""
from __future__ import annotations

import os

from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry,
                               generate_latest, multiprocess)


def metrics_payload() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
