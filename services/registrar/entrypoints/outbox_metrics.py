"""The outbox's backlog on the registrar's /metrics, read from the database at each scrape.

The relays export the same gauges, but only while they run; these come from the web service
that keeps running when every relay is stopped, so EdquillOutboxBacklog and
EdquillOutboxOldestEventAge still fire then. Read at scrape time by whichever gunicorn worker
answers (nothing is kept in the multiprocess files), so one scrape costs one indexed query.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pymysql
from prometheus_client.core import GaugeMetricFamily, Metric

from registrar.service_layer.outbox_backlog import read_outbox_backlog
from shared.web import request_db

log = logging.getLogger(__name__)


def outbox_backlog_metrics() -> Iterator[Metric]:
    """The two gauges, or none when the database does not answer (the scrape still serves
    the request metrics; /healthz says the database is away)."""
    try:
        backlog = read_outbox_backlog(request_db("registrar"))
    except pymysql.err.Error as exc:
        log.warning("outbox backlog not read for /metrics: %s", exc)
        return
    yield GaugeMetricFamily(
        "edquill_outbox_backlog",
        "Unprocessed, undead events in the outbox",
        value=backlog.waiting,
    )
    yield GaugeMetricFamily(
        "edquill_outbox_oldest_age_seconds",
        "Age of the oldest unprocessed event",
        value=backlog.oldest_age_seconds,
    )
