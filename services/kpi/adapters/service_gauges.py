"""Gauges of the KPI service on its HTTP /metrics, read from MySQL when Prometheus scrapes:
the worker's progress and the last daily-aggregate run happen in other processes, and reach
the service through t_kpi_fold_progress and t_kpi_rebuild_run.

Under gunicorn each worker process keeps its own copy; "mostrecent" reports the one set last.
"""

from __future__ import annotations

from datetime import timezone

from prometheus_client import Gauge

from kpi.adapters import progress_store

_MODE = "mostrecent"

EVENTS_FOLDED = Gauge(
    "edquill_kpi_events_folded", "Events the KPI worker has folded", multiprocess_mode=_MODE
)
LEDGER_ENTRIES = Gauge(
    "edquill_kpi_ledger_entries",
    "Ledger entries written (events that moved a figure)",
    multiprocess_mode=_MODE,
)
FOLD_LAG = Gauge(
    "edquill_kpi_fold_lag_seconds",
    "At the last fold, how long its oldest event had waited since its commit",
    multiprocess_mode=_MODE,
)
LAST_FOLD = Gauge(
    "edquill_kpi_last_fold_timestamp_seconds",
    "When the worker last folded",
    multiprocess_mode=_MODE,
)
REBUILD_SECONDS = Gauge(
    "edquill_kpi_last_rebuild_seconds",
    "How long the last daily-aggregate run took",
    multiprocess_mode=_MODE,
)
REBUILD_SCHOOL_DAYS = Gauge(
    "edquill_kpi_last_rebuild_school_days",
    "School-days the last daily-aggregate run rebuilt",
    multiprocess_mode=_MODE,
)
LAST_REBUILD = Gauge(
    "edquill_kpi_last_rebuild_timestamp_seconds",
    "When the last daily-aggregate run finished",
    multiprocess_mode=_MODE,
)


def refresh(connection) -> None:
    with connection.cursor() as cursor:
        progress = progress_store.fold_progress(cursor)
        rebuild = progress_store.last_rebuild(cursor)
    EVENTS_FOLDED.set(progress.events_folded)
    LEDGER_ENTRIES.set(progress.ledger_entries)
    FOLD_LAG.set(progress.last_lag_seconds)
    if progress.last_folded_at is not None:
        LAST_FOLD.set(progress.last_folded_at.replace(tzinfo=timezone.utc).timestamp())
    if rebuild is not None:
        REBUILD_SECONDS.set(rebuild.seconds)
        REBUILD_SCHOOL_DAYS.set(rebuild.school_days)
        LAST_REBUILD.set(rebuild.finished_at.replace(tzinfo=timezone.utc).timestamp())
