"""`edquill kpi worker` as operators run it: folds what reaches its queue, serves its metrics,
and stops cleanly on SIGTERM."""

from __future__ import annotations

import secrets
import urllib.request
from dataclasses import replace
from datetime import date

from devtools.ports import free_port
from kpi.entrypoints.consumer import KpiConsumer
from tests.support.consumers import ConsumerQueues
from tests.support.kpi import new_school_id, school_created, submitted, utc
from tests.support.processes import EdquillProcess
from tests.support.waiting import wait_until


def test_the_worker_folds_events_serves_its_metrics_and_stops_on_sigterm(settings, kpi_tables):
    own = replace(settings, exchange=f"{settings.exchange}.{secrets.token_hex(3)}")
    queues = ConsumerQueues(own.amqp_url, KpiConsumer(own).topology)
    metrics_port = free_port()
    worker = EdquillProcess(own, "kpi", "worker", "--metrics-port", str(metrics_port))
    school_id = new_school_id()
    try:
        queues.publish_event(school_created(school_id))
        queues.publish_event(submitted(school_id, 1, utc(2025, 11, 13, 12)))
        wait_until(
            lambda: kpi_tables.marketing(school_id),
            timeout=30,
            what="the worker to fold the submission",
        )
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics") as response:
            metrics = response.read().decode()
        output = worker.terminate()
    finally:
        worker.stop()
        queues.delete()

    assert kpi_tables.marketing(school_id)[date(2025, 11, 13)]["leads"] == 1
    assert 'edquill_consumer_events_total{consumer="kpi"' in metrics
    assert "edquill_kpi_fold_batch_events_count" in metrics
    assert worker.returncode == 0, output
    assert "SIGTERM received" in output
