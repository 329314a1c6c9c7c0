"""daily-aggregate: a school's day recomputed from the ledger and its rows replaced, in one
transaction. What the worker folded incrementally and what this writes are the same rows; the
rebuild is how a day is repaired (rows lost, a fix in the arithmetic) and how that is checked.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Iterable

import pymysql

from kpi.adapters import daily_figures_store, ledger_store, progress_store, school_store
from kpi.domain.figures import DayFigures, day_figures
from kpi.domain.ledger import School
from kpi.service_layer.fold import UnknownSchool
from shared import db
from shared.config import Settings
from shared.db import transaction
from shared.local_days import yesterday, zone

log = logging.getLogger(__name__)

# A rebuild and the worker lock the same day rows; InnoDB ends a deadlock by failing one of
# them. Three tries of the rebuild ride that out (the worker retries on its own).
REBUILD_ATTEMPTS = 3
_DEADLOCK, _LOCK_WAIT_TIMEOUT = 1213, 1205


@dataclass(frozen=True)
class RebuildReport:
    days: list[tuple[int, DayFigures]]  # (school_id, figures)
    seconds: float


def rebuild_days(
    settings: Settings, on: date | None, school_id: int | None, now: datetime
) -> RebuildReport:
    """`edquill kpi daily-aggregate`: rebuild `on` (or each school's own yesterday) for every
    school the directory knows, or for `school_id` alone (UnknownSchool if it knows none)."""
    connection = db.connect(settings, "kpi")
    try:
        with connection.cursor() as cursor:
            schools = school_store.all_schools(cursor)
        if school_id is not None:
            schools = [school for school in schools if school.school_id == school_id]
            if not schools:
                raise UnknownSchool(school_id)
        return rebuild(connection, days_to_rebuild(schools, on, now))
    finally:
        connection.close()


def rebuild_day(connection, school_id: int, day: date) -> DayFigures:
    for attempt in range(1, REBUILD_ATTEMPTS + 1):
        try:
            return _rebuild_day_once(connection, school_id, day)
        except pymysql.err.OperationalError as exc:
            if exc.args[0] not in (_DEADLOCK, _LOCK_WAIT_TIMEOUT) or attempt == REBUILD_ATTEMPTS:
                raise
            log.warning("rebuild of school %s day %s: %s; trying again", school_id, day, exc)
    raise AssertionError("unreachable")


def _rebuild_day_once(connection, school_id: int, day: date) -> DayFigures:
    # Repeatable read: the day's rows are locked first (locking reads), and the ledger is then
    # read from one snapshot taken after the locks. A fold committed before the locks is in
    # that snapshot; one still running waits for the locks and adds to the rebuilt rows.
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    with transaction(connection) as cursor:
        daily_figures_store.lock_day(cursor, school_id, day)
        key = (school_id, day)
        durations = ledger_store.decision_durations(cursor, [key])[key]
        figures = day_figures(
            day,
            ledger_store.kind_totals(cursor, school_id, day),
            ledger_store.leads_by_source(cursor, school_id, day),
            ledger_store.collected_against_issued(cursor, school_id, day),
            durations,
        )
        daily_figures_store.replace_day(cursor, school_id, figures)
        daily_figures_store.set_decision_times(cursor, {key: durations})
    return figures


def days_to_rebuild(
    schools: Iterable[School], on: date | None, now: datetime
) -> list[tuple[int, date]]:
    """(school, day) pairs: `on` for every school, or else each school's own yesterday."""
    return [(school.school_id, on or yesterday(now, zone(school.timezone))) for school in schools]


def rebuild(connection, school_days: list[tuple[int, date]]) -> RebuildReport:
    started_at, started = datetime.now(timezone.utc), time.monotonic()
    rebuilt = [
        (school_id, rebuild_day(connection, school_id, day)) for school_id, day in school_days
    ]
    seconds = time.monotonic() - started
    with transaction(connection) as cursor:
        progress_store.record_rebuild(
            cursor,
            started_at.replace(tzinfo=None),
            datetime.now(timezone.utc).replace(tzinfo=None),
            len(rebuilt),
            seconds,
        )
    return RebuildReport(rebuilt, seconds)
