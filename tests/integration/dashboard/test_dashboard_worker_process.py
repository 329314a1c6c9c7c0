"""`edquill dashboard worker` as operators run it: keeps the rail from what reaches its queue,
serves its metrics, and stops cleanly on SIGTERM."""

from __future__ import annotations

import secrets
import urllib.request
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from dashboard.config import DashboardConfig
from dashboard.entrypoints.consumer import DashboardConsumer
from devtools.ports import free_port
from shared import db
from tests.support.consumers import ConsumerQueues
from tests.support.dashboard import submitted
from tests.support.processes import EdquillProcess, run_edquill
from tests.support.waiting import wait_until


def registration_status(settings, school_id: int, registration_id: int) -> str | None:
    connection = db.connect(settings, "dashboard")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT status FROM t_dashboard_registration WHERE school_id = %s "
                "AND registration_id = %s",
                (school_id, registration_id),
            )
            row = cursor.fetchone()
            return row["status"] if row else None
    finally:
        connection.close()


def test_the_worker_keeps_the_rail_serves_its_metrics_and_stops_on_sigterm(settings):
    # An exchange of its own: the worker's queue is the production name, <exchange>.dashboard.
    own = replace(settings, exchange=f"{settings.exchange}.{secrets.token_hex(3)}")
    queues = ConsumerQueues(own.amqp_url, DashboardConsumer(own, DashboardConfig()).topology)
    metrics_port = free_port()
    worker = EdquillProcess(own, "dashboard", "worker", "--metrics-port", str(metrics_port))
    school_id = 10**9 + secrets.randbelow(10**9)
    try:
        queues.publish_event(
            submitted(school_id, 1, datetime.now(timezone.utc) - timedelta(days=1))
        )
        wait_until(
            lambda: registration_status(settings, school_id, 1),
            timeout=30,
            what="the worker to record the submission",
        )
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics") as response:
            metrics = response.read().decode()
        output = worker.terminate()
    finally:
        worker.stop()
        queues.delete()

    assert registration_status(settings, school_id, 1) == "pending"
    assert 'edquill_consumer_events_total{consumer="dashboard"' in metrics
    assert worker.returncode == 0, output
    assert "SIGTERM received" in output


def test_a_bad_knob_stops_the_worker_with_one_clear_line(settings):
    done = run_edquill(
        settings, "dashboard", "worker", extra_env={"EDQUILL_DASHBOARD_INVOICE_DUE_DAYS": "soon"}
    )

    assert done.returncode != 0
    assert done.stderr.strip() == (
        "error: EDQUILL_DASHBOARD_INVOICE_DUE_DAYS must be a number, got 'soon'"
    )
