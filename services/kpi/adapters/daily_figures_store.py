"""The daily figures in MySQL: t_marketing_kpi_daily, t_marketing_kpi_source_daily and
t_revenue_daily, keyed by (school_id, day) with day the school's local day, and each day's
decision times (t_kpi_decision_times_daily), which make a range's median.

Two writers: the worker adds a batch's changes (upserts of deltas), and daily-aggregate
replaces a day's rows with what the ledger says. Rows are written in key order, so two
transactions touching the same days lock them in the same order.
"""

from __future__ import annotations

import sys
from array import array
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping, Sequence

from kpi.domain.figures import (
    COUNT_FIELDS,
    REVENUE_FIELDS,
    DayFigures,
    MarketingFigures,
    RangeTotals,
    RevenueFigures,
)
from kpi.domain.folding import DailyChanges, DayKey
from shared.db import placeholders, row_placeholders


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders(len(columns))})"


_MARKETING_INSERT = _insert("t_marketing_kpi_daily", ("school_id", "day", *COUNT_FIELDS))
_MARKETING_ROW_INSERT = _insert(
    "t_marketing_kpi_daily", ("school_id", "day", *COUNT_FIELDS, "median_hours_to_decision")
)
_REVENUE_INSERT = _insert("t_revenue_daily", ("school_id", "day", "currency", *REVENUE_FIELDS))
_SOURCE_INSERT = _insert("t_marketing_kpi_source_daily", ("school_id", "day", "source", "leads"))
_FIGURE_TABLES = ("t_marketing_kpi_daily", "t_marketing_kpi_source_daily", "t_revenue_daily")
_DAY_TABLES = (*_FIGURE_TABLES, "t_kpi_decision_times_daily")


def _add_to(fields) -> str:
    return ", ".join(f"{name} = {name} + VALUES({name})" for name in fields)


def apply_changes(cursor, changes: DailyChanges) -> None:
    """Add a batch's changes to the daily rows, creating the rows a day does not have yet."""
    if changes.marketing:
        cursor.executemany(
            _MARKETING_INSERT + " ON DUPLICATE KEY UPDATE " + _add_to(COUNT_FIELDS),
            [
                (school_id, day, *(counts[name] for name in COUNT_FIELDS))
                for (school_id, day), counts in sorted(changes.marketing.items())
            ],
        )
    if changes.sources:
        cursor.executemany(
            _SOURCE_INSERT + " ON DUPLICATE KEY UPDATE leads = leads + VALUES(leads)",
            [(*key, leads) for key, leads in sorted(changes.sources.items())],
        )
    if changes.revenue:
        # A row keeps the currency it was created with: a school bills in one currency.
        cursor.executemany(
            _REVENUE_INSERT + " ON DUPLICATE KEY UPDATE " + _add_to(REVENUE_FIELDS),
            [
                (
                    school_id,
                    day,
                    change.currency,
                    *(getattr(change, name) for name in REVENUE_FIELDS),
                )
                for (school_id, day), change in sorted(changes.revenue.items())
            ],
        )


def set_medians(cursor, medians: Mapping[DayKey, Decimal | None]) -> None:
    """Each day's median hours to decision, in one statement. A day with decisions has its
    marketing row (they are counted on it), so the insert only ever updates."""
    if medians:
        cursor.executemany(
            _insert("t_marketing_kpi_daily", ("school_id", "day", "median_hours_to_decision"))
            + " ON DUPLICATE KEY UPDATE "
            "median_hours_to_decision = VALUES(median_hours_to_decision)",
            [(school_id, day, median) for (school_id, day), median in sorted(medians.items())],
        )


def set_decision_times(cursor, times: Mapping[DayKey, Sequence[int]]) -> None:
    """Each day's decision times, replacing what the day had (a day without any: no row)."""
    timed = [
        (school_id, day, pack_durations(durations))
        for (school_id, day), durations in sorted(times.items())
        if durations
    ]
    if timed:
        cursor.executemany(
            "INSERT INTO t_kpi_decision_times_daily (school_id, day, durations_us) "
            "VALUES (%s, %s, %s) ON DUPLICATE KEY UPDATE durations_us = VALUES(durations_us)",
            timed,
        )
    for (school_id, day), durations in sorted(times.items()):
        if not durations:
            cursor.execute(
                "DELETE FROM t_kpi_decision_times_daily WHERE school_id = %s AND day = %s",
                (school_id, day),
            )


def add_decision_times(cursor, added: Mapping[DayKey, Sequence[int]]) -> dict[DayKey, list[int]]:
    """Add newly timed decisions to their days' lists; returns each of those days' whole list.

    A decision is timed once and its time never changes, so a day's list is what it held plus
    what a batch adds: one locked read of the days' rows and one write, instead of reading
    every decision of the day again. (daily-aggregate still rebuilds a list from the ledger.)
    """
    if not added:
        return {}
    keys = sorted(added)
    cursor.execute(
        "SELECT school_id, day, durations_us FROM t_kpi_decision_times_daily "
        f"WHERE (school_id, day) IN ({row_placeholders(len(keys))}) FOR UPDATE",
        [value for key in keys for value in key],
    )
    held = {(row["school_id"], row["day"]): row["durations_us"] for row in cursor.fetchall()}
    merged = {key: [*unpack_durations(held.get(key, b"")), *added[key]] for key in keys}
    set_decision_times(cursor, merged)
    return merged


def decision_times_between(cursor, school_id: int, first: date, last: date) -> Sequence[int]:
    """Every decision time (microseconds) of first..last: one short row per day."""
    cursor.execute(
        "SELECT durations_us FROM t_kpi_decision_times_daily WHERE school_id = %s "
        "AND day BETWEEN %s AND %s",
        (school_id, first, last),
    )
    return unpack_durations(b"".join(row["durations_us"] for row in cursor.fetchall()))


def pack_durations(durations_us: Iterable[int]) -> bytes:
    """Ascending, as little-endian signed 64-bit integers (the column's format)."""
    values = array("q", sorted(durations_us))
    if sys.byteorder == "big":
        values.byteswap()
    return values.tobytes()


def unpack_durations(packed: bytes) -> array:
    """The durations of one or more packed lists, joined (each list ascending, not the whole)."""
    values = array("q")
    values.frombytes(packed)
    if sys.byteorder == "big":
        values.byteswap()
    return values


def lock_day(cursor, school_id: int, day: date) -> None:
    """Lock a day's rows (and the gaps where missing ones would go) until the transaction
    ends: a worker folding into that day waits, and then adds to the rebuilt rows."""
    for table in _DAY_TABLES:
        # Table names come from the constant above, never from input.
        cursor.execute(
            f"SELECT school_id FROM {table} WHERE school_id = %s AND day = %s FOR UPDATE",
            (school_id, day),
        )
        cursor.fetchall()


def replace_day(cursor, school_id: int, figures: DayFigures) -> None:
    """The day's figure rows (not its decision times: set_decision_times) from `figures`."""
    for table in _FIGURE_TABLES:
        cursor.execute(
            f"DELETE FROM {table} WHERE school_id = %s AND day = %s", (school_id, figures.day)
        )
    if figures.marketing is not None:
        marketing = figures.marketing
        cursor.execute(
            _MARKETING_ROW_INSERT,
            (
                school_id,
                figures.day,
                *(getattr(marketing, name) for name in COUNT_FIELDS),
                marketing.median_hours_to_decision,
            ),
        )
    if figures.leads_by_source:
        cursor.executemany(
            _SOURCE_INSERT,
            [
                (school_id, figures.day, source, leads)
                for source, leads in sorted(figures.leads_by_source.items())
            ],
        )
    if figures.revenue is not None:
        revenue = figures.revenue
        cursor.execute(
            _REVENUE_INSERT,
            (
                school_id,
                figures.day,
                revenue.currency,
                *(getattr(revenue, name) for name in REVENUE_FIELDS),
            ),
        )


def totals_between(cursor, school_id: int, first: date, last: date) -> RangeTotals:
    """The rows of first..last added up by MySQL: one row per table (and source) comes back,
    however long the range."""
    cursor.execute(
        f"SELECT {', '.join(f'SUM({name}) AS {name}' for name in COUNT_FIELDS)} "
        "FROM t_marketing_kpi_daily WHERE school_id = %s AND day BETWEEN %s AND %s",
        (school_id, first, last),
    )
    counts = cursor.fetchone()
    cursor.execute(
        f"SELECT {', '.join(f'SUM({name}) AS {name}' for name in REVENUE_FIELDS)} "
        "FROM t_revenue_daily WHERE school_id = %s AND day BETWEEN %s AND %s",
        (school_id, first, last),
    )
    revenue = cursor.fetchone()
    cursor.execute(
        "SELECT source, SUM(leads) AS leads FROM t_marketing_kpi_source_daily "
        "WHERE school_id = %s AND day BETWEEN %s AND %s GROUP BY source",
        (school_id, first, last),
    )
    sources = {row["source"]: int(row["leads"]) for row in cursor.fetchall()}
    # SUM over no rows is NULL.
    return RangeTotals(
        {name: int(value or 0) for name, value in counts.items()},
        {name: int(value or 0) for name, value in revenue.items()},
        sources,
    )


def trend_between(cursor, school_id: int, first: date, last: date) -> dict[date, tuple[int, int]]:
    """(leads, enrollments) of each day of first..last that has a row."""
    cursor.execute(
        "SELECT day, leads, enrollments FROM t_marketing_kpi_daily "
        "WHERE school_id = %s AND day BETWEEN %s AND %s",
        (school_id, first, last),
    )
    return {row["day"]: (int(row["leads"]), int(row["enrollments"])) for row in cursor.fetchall()}


def days_between(cursor, school_id: int, first: date, last: date) -> dict[date, DayFigures]:
    """The rows of first..last, by day (days without any row are absent)."""
    marketing, revenue, sources = {}, {}, {}
    cursor.execute(
        f"SELECT day, {', '.join(COUNT_FIELDS)}, median_hours_to_decision "
        "FROM t_marketing_kpi_daily WHERE school_id = %s AND day BETWEEN %s AND %s",
        (school_id, first, last),
    )
    for row in cursor.fetchall():
        day = row.pop("day")
        marketing[day] = MarketingFigures(
            **{name: int(value) if name in COUNT_FIELDS else value for name, value in row.items()}
        )
    cursor.execute(
        f"SELECT day, currency, {', '.join(REVENUE_FIELDS)} FROM t_revenue_daily "
        "WHERE school_id = %s AND day BETWEEN %s AND %s",
        (school_id, first, last),
    )
    for row in cursor.fetchall():
        day, currency = row.pop("day"), row.pop("currency")
        revenue[day] = RevenueFigures(currency, **{name: int(value) for name, value in row.items()})
    cursor.execute(
        "SELECT day, source, leads FROM t_marketing_kpi_source_daily "
        "WHERE school_id = %s AND day BETWEEN %s AND %s ORDER BY day, source",
        (school_id, first, last),
    )
    for row in cursor.fetchall():
        sources.setdefault(row["day"], {})[row["source"]] = int(row["leads"])
    return {
        day: DayFigures(day, marketing.get(day), revenue.get(day), sources.get(day, {}))
        for day in sorted({*marketing, *revenue, *sources})
    }
