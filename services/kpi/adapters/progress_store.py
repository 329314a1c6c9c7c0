"""What the service's /metrics reports from MySQL: the worker's progress (t_kpi_fold_progress)
and the daily-aggregate runs (t_kpi_rebuild_run). The worker and the cron job are other
processes than the web service; their state reaches Prometheus through these tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FoldProgress:
    events_folded: int
    ledger_entries: int
    last_folded_at: datetime | None
    last_lag_seconds: float


@dataclass(frozen=True)
class RebuildRun:
    finished_at: datetime
    school_days: int
    seconds: float


def record_fold(
    cursor, consumer: str, events: int, entries: int, folded_at: datetime, lag_seconds: float
) -> None:
    cursor.execute(
        "INSERT INTO t_kpi_fold_progress (consumer, events_folded, ledger_entries, "
        "last_folded_at, last_lag_seconds) VALUES (%s, %s, %s, %s, %s) "
        "ON DUPLICATE KEY UPDATE events_folded = events_folded + VALUES(events_folded), "
        "ledger_entries = ledger_entries + VALUES(ledger_entries), "
        "last_folded_at = VALUES(last_folded_at), last_lag_seconds = VALUES(last_lag_seconds)",
        (consumer, events, entries, folded_at, round(lag_seconds, 3)),
    )


def fold_progress(cursor) -> FoldProgress:
    cursor.execute(
        "SELECT COALESCE(SUM(events_folded), 0) AS events, "
        "COALESCE(SUM(ledger_entries), 0) AS entries, "
        "MAX(last_folded_at) AS last_folded_at FROM t_kpi_fold_progress"
    )
    totals = cursor.fetchone()
    cursor.execute(
        "SELECT last_lag_seconds FROM t_kpi_fold_progress ORDER BY last_folded_at DESC LIMIT 1"
    )
    latest = cursor.fetchone()
    return FoldProgress(
        int(totals["events"]),
        int(totals["entries"]),
        totals["last_folded_at"],
        float(latest["last_lag_seconds"]) if latest else 0.0,
    )


def record_rebuild(
    cursor, started_at: datetime, finished_at: datetime, school_days: int, seconds: float
) -> None:
    cursor.execute(
        "INSERT INTO t_kpi_rebuild_run (started_at, finished_at, school_days, "
        "seconds) VALUES (%s, %s, %s, %s)",
        (started_at, finished_at, school_days, round(seconds, 3)),
    )


def last_rebuild(cursor) -> RebuildRun | None:
    cursor.execute(
        "SELECT finished_at, school_days, seconds FROM t_kpi_rebuild_run "
        "ORDER BY finished_at DESC LIMIT 1"
    )
    row = cursor.fetchone()
    if row is None:
        return None
    return RebuildRun(row["finished_at"], int(row["school_days"]), float(row["seconds"]))
