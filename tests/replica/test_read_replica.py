"""Read replicas (EDQUILL_MYSQL_REPLICA_URL) with real servers: a primary with the binary log
and a replica started by `edquill replica start`, the registrar, KPI and dashboard services
served by gunicorn against them. Lag-tolerant reads come from the replica while it keeps up,
from the primary when it lags or dies, and never fail; the workspace's reads stay on the
primary.

The tests run in order: the last one kills the replica."""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared import db
from tests.support.factories import create_registration
from tests.support.waiting import wait_until

pytestmark = pytest.mark.replica

# Days only the replica, or only the primary, is given a figure for: a replica-only row must
# never meet a replicated one, or replication would stop on the duplicate key.
REPLICA_ONLY_DAY, PRIMARY_DAY = "2025-11-13", "2025-11-14"
REPLICA_ONLY_LEADS, PRIMARY_LEADS = 42, 7
# The router re-checks the replica once a second; a few of those, on a busy machine.
FALLBACK_DEADLINE_SECONDS = 15
LOAD_THREADS = 6
LOAD_SECONDS = 4.0


def kpi_leads(replicated, day: str) -> int:
    status, body = replicated.get(f"{replicated.kpi_url}/api/kpi/daily?from={day}&to={day}")
    assert status == 200, body
    return body["days"][0]["leads"]


def insert_figure(run_sql, school_id: int, day: str, leads: int) -> None:
    run_sql(
        "INSERT INTO t_marketing_kpi_daily (school_id, day, leads) VALUES (%s, %s, %s)",
        (school_id, day, leads),
        service="kpi",
    )


def replica_caught_up(replicated) -> bool:
    status = replicated.replica_sql("SHOW SLAVE STATUS")[0]
    return status["Slave_SQL_Running"] == "Yes" and status["Seconds_Behind_Master"] == 0


def test_a_kpi_read_is_served_by_the_replica(replicated):
    insert_figure(
        replicated.replica_sql, replicated.school_id, REPLICA_ONLY_DAY, REPLICA_ONLY_LEADS
    )
    # The row is on the replica alone: the API can only have read it there.
    assert kpi_leads(replicated, REPLICA_ONLY_DAY) == REPLICA_ONLY_LEADS
    assert 'edquill_lag_tolerant_reads_total{service="kpi",side="replica"}' in (
        replicated.metrics(replicated.kpi_url)
    )


def test_a_replica_over_the_lag_bound_leaves_reads_to_the_primary_which_answers_fresh(
    replicated,
):
    replicated.replica_sql("STOP SLAVE SQL_THREAD")
    try:
        insert_figure(replicated.primary_sql, replicated.school_id, PRIMARY_DAY, PRIMARY_LEADS)
        wait_until(
            lambda: kpi_leads(replicated, PRIMARY_DAY) == PRIMARY_LEADS,
            FALLBACK_DEADLINE_SECONDS,
            what="the KPI API to answer from the primary",
        )
        assert kpi_leads(replicated, REPLICA_ONLY_DAY) == 0  # the primary has no such row
        assert 'edquill_replica_fallbacks_total{reason="lagging",service="kpi"}' in (
            replicated.metrics(replicated.kpi_url)
        )
    finally:
        replicated.replica_sql("START SLAVE SQL_THREAD")
    wait_until(lambda: replica_caught_up(replicated), FALLBACK_DEADLINE_SECONDS, what="catch-up")
    wait_until(
        lambda: kpi_leads(replicated, REPLICA_ONLY_DAY) == REPLICA_ONLY_LEADS,
        FALLBACK_DEADLINE_SECONDS,
        what="reads back on the replica once it caught up",
    )


def test_the_workspace_reads_the_primary_while_reports_read_the_replica(replicated):
    connection = db.connect(replicated.settings, "registrar")  # the primary
    registration_id = create_registration(connection, replicated.school_id)
    connection.close()
    wait_until(lambda: replica_caught_up(replicated), FALLBACK_DEADLINE_SECONDS, what="catch-up")
    # The replica alone dates the lead on another day; no trigger fires for the date.
    replicated.replica_sql(
        "UPDATE student_self_registrations SET submitted_at = '2025-11-10 12:00:00' WHERE id = %s",
        (registration_id,),
        service="registrar",
    )
    status, report = replicated.get(
        f"{replicated.registrar_url}/api/admin/reports/daily?from=2025-11-10&to=2025-11-10"
    )
    assert status == 200 and report["days"][0]["leads"] == 1
    status, lead = replicated.get(
        f"{replicated.registrar_url}/api/admin/self-registration/{registration_id}"
    )
    assert status == 200 and not lead["overview"]["submitted_at"].startswith("2025-11-10")


def test_the_dashboard_overview_is_served_by_the_replica(replicated):
    replicated.replica_sql(
        "INSERT INTO t_dashboard_school (school_id, name, timezone, changed_at) "
        "VALUES (%s, 'Known to the replica only', 'UTC', UTC_TIMESTAMP(6))",
        (replicated.school_id,),
        service="dashboard",
    )
    status, body = replicated.get(f"{replicated.dashboard_url}/api/dashboard")
    assert status == 200, body
    assert body["school"]["name"] == "Known to the replica only"


def test_killing_the_replica_mid_load_fails_no_request(replicated):
    statuses: list[int] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + LOAD_SECONDS

    def keep_reading() -> None:
        while time.monotonic() < stop_at:
            status, _body = replicated.get(
                f"{replicated.kpi_url}/api/kpi/daily?from=2025-11-01&to=2025-11-30"
            )
            with lock:
                statuses.append(status)

    with ThreadPoolExecutor(LOAD_THREADS) as pool:
        readers = [pool.submit(keep_reading) for _ in range(LOAD_THREADS)]
        wait_until(lambda: len(statuses) >= 20, LOAD_SECONDS, what="the load to be under way")
        os.kill(replicated.replica_pid(), signal.SIGKILL)
        for reader in readers:
            reader.result(timeout=LOAD_SECONDS + 30)
    failed = [status for status in statuses if status != 200]
    assert statuses and failed == []
    # Served on: by the primary now, which never had the replica's own row.
    assert kpi_leads(replicated, REPLICA_ONLY_DAY) == 0
