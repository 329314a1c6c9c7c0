"""The event ledger in MySQL (t_kpi_event_ledger): one row per event that moved a figure.

Written in the same transaction as the inbox row and the daily rows, it is what makes a day
rebuildable: every query a rebuild needs reads one school's day through ix_kpi_ledger_day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Iterable

from kpi.domain.figures import KindTotal
from kpi.domain.ledger import Kind, LedgerEntry
from shared.db import placeholders, row_placeholders

_COLUMNS = (
    "event_id",
    "school_id",
    "day",
    "kind",
    "occurred_at",
    "registration_id",
    "invoice_id",
    "source",
    "amount_minor",
    "currency",
)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM t_kpi_event_ledger "


def already_in_ledger(cursor, event_ids: Iterable[str]) -> set[str]:
    ids = sorted(set(event_ids))
    if not ids:
        return set()
    cursor.execute(
        f"SELECT event_id FROM t_kpi_event_ledger WHERE event_id IN ({placeholders(len(ids))})", ids
    )
    return {row["event_id"] for row in cursor.fetchall()}


def add_entries(cursor, entries: list[LedgerEntry]) -> list[TimedDecision]:
    """One multi-row INSERT (pymysql rewrites executemany of a plain VALUES list into one),
    then the time to decision of every decision whose submission is now in the ledger; returns
    the decisions timed now (each decision is timed once: its time never changes after)."""
    if not entries:
        return []
    cursor.executemany(
        f"INSERT INTO t_kpi_event_ledger ({', '.join(_COLUMNS)}) "
        f"VALUES ({placeholders(len(_COLUMNS))})",
        [
            (
                entry.event_id,
                entry.school_id,
                entry.day,
                entry.kind.value,
                entry.occurred_at,
                entry.registration_id,
                entry.invoice_id,
                entry.source,
                entry.amount_minor,
                entry.currency,
            )
            for entry in entries
        ],
    )
    return _time_decisions(
        cursor,
        {
            (entry.school_id, entry.registration_id)
            for entry in entries
            if entry.registration_id is not None and entry.kind in _TIMED_KINDS
        },
    )


# A decision is timed when it and its submission are both in the ledger, whichever came first.
_TIMED_KINDS = frozenset({Kind.LEAD, Kind.APPROVAL, Kind.REJECTION})


@dataclass(frozen=True)
class TimedDecision:
    school_id: int
    day: date  # the decision's own day, where its time counts
    decision_us: int


def _time_decisions(cursor, registrations: set[tuple[int, int]]) -> list[TimedDecision]:
    """Time the untimed decisions of `registrations` whose submission is in the ledger: read
    (and lock) their submissions and untimed decisions in one range of the registration
    index, pair them here, then set exactly those times by id, so what is returned is what the
    ledger holds. Two statements, whatever the schools (a join of the ledger with itself
    took ten times as long for a batch's 200 registrations)."""
    if not registrations:
        return []
    cursor.execute(
        "SELECT id, school_id, registration_id, kind, day, occurred_at FROM t_kpi_event_ledger "
        f"WHERE (school_id, registration_id) IN ({row_placeholders(len(registrations))}) "
        "AND (kind = 'lead' OR (kind IN ('approval', 'rejection') AND decision_us IS NULL)) "
        "ORDER BY id FOR UPDATE",
        _flat(registrations),
    )
    rows = cursor.fetchall()
    submitted: dict[tuple[int, int], datetime] = {}
    for row in rows:
        # A registration submitted twice (two lead rows) is timed from its first.
        if row["kind"] == Kind.LEAD.value:
            submitted.setdefault((row["school_id"], row["registration_id"]), row["occurred_at"])
    timed: dict[int, TimedDecision] = {}
    for row in rows:
        lead_at = submitted.get((row["school_id"], row["registration_id"]))
        if row["kind"] != Kind.LEAD.value and lead_at is not None:
            # TIMESTAMPDIFF(MICROSECOND, ...), exactly: both are DATETIME(6).
            microseconds = (row["occurred_at"] - lead_at) // timedelta(microseconds=1)
            timed[row["id"]] = TimedDecision(row["school_id"], row["day"], microseconds)
    if timed:
        cursor.execute(
            "UPDATE t_kpi_event_ledger SET decision_us = CASE id "
            + " ".join(["WHEN %s THEN %s"] * len(timed))
            + f" END WHERE id IN ({placeholders(len(timed))})",
            (
                *(value for id_, entry in timed.items() for value in (id_, entry.decision_us)),
                *timed,
            ),
        )
    return list(timed.values())


def related_entries(
    cursor, invoices: set[tuple[int, int]], registrations: set[tuple[int, int]]
) -> list[LedgerEntry]:
    """Issued and paid entries of the given (school, invoice) pairs, and decision entries of
    the given (school, registration) pairs: one statement for each, whatever the schools."""
    related: list[LedgerEntry] = []
    if invoices:
        cursor.execute(
            _SELECT + f"WHERE (school_id, invoice_id) IN ({row_placeholders(len(invoices))}) "
            "AND kind IN ('invoiced', 'collected')",
            _flat(invoices),
        )
        related += [_entry(row) for row in cursor.fetchall()]
    if registrations:
        cursor.execute(
            _SELECT + "WHERE (school_id, registration_id) "
            f"IN ({row_placeholders(len(registrations))}) "
            "AND kind IN ('approval', 'rejection')",
            _flat(registrations),
        )
        related += [_entry(row) for row in cursor.fetchall()]
    return related


def decision_durations(
    cursor, school_days: Iterable[tuple[int, date]]
) -> dict[tuple[int, date], list[int]]:
    """For each (school, day): microseconds from submission to decision of every decision
    placed on that day whose submission is in the ledger (timed when both were: see
    add_entries). One statement, whatever the schools."""
    found: dict[tuple[int, date], list[int]] = {key: [] for key in school_days}
    if not found:
        return found
    cursor.execute(
        "SELECT school_id, day, decision_us FROM t_kpi_event_ledger "
        f"WHERE (school_id, day) IN ({row_placeholders(len(found))}) "
        "AND kind IN ('approval', 'rejection') AND decision_us IS NOT NULL",
        _flat(found),
    )
    for row in cursor.fetchall():
        found[(row["school_id"], row["day"])].append(int(row["decision_us"]))
    return found


def kind_totals(cursor, school_id: int, day: date) -> dict[Kind, KindTotal]:
    cursor.execute(
        "SELECT kind, COUNT(*) AS entries, COALESCE(SUM(amount_minor), 0) AS amount_minor, "
        "MIN(currency) AS currency FROM t_kpi_event_ledger WHERE school_id = %s AND day = %s "
        "GROUP BY kind",
        (school_id, day),
    )
    return {
        Kind(row["kind"]): KindTotal(int(row["entries"]), int(row["amount_minor"]), row["currency"])
        for row in cursor.fetchall()
    }


def leads_by_source(cursor, school_id: int, day: date) -> dict[str, int]:
    cursor.execute(
        "SELECT source, COUNT(*) AS leads FROM t_kpi_event_ledger "
        "WHERE school_id = %s AND day = %s AND kind = 'lead' GROUP BY source",
        (school_id, day),
    )
    return {row["source"]: int(row["leads"]) for row in cursor.fetchall()}


def collected_against_issued(cursor, school_id: int, day: date) -> int:
    """What was collected (on any day) against the invoices issued on `day`."""
    cursor.execute(
        "SELECT COALESCE(SUM(paid.amount_minor), 0) AS collected "
        "FROM t_kpi_event_ledger issued JOIN t_kpi_event_ledger paid "
        "ON paid.school_id = issued.school_id AND paid.invoice_id = issued.invoice_id "
        "AND paid.kind = 'collected' "
        "WHERE issued.school_id = %s AND issued.day = %s AND issued.kind = 'invoiced'",
        (school_id, day),
    )
    return int(cursor.fetchone()["collected"])


def _flat(keys: Iterable[tuple[int, Any]]) -> list[Any]:
    """The pairs in a stable order, flattened into the statement's parameters."""
    return [value for key in sorted(keys) for value in key]


def _entry(row: dict) -> LedgerEntry:
    return LedgerEntry(**{**row, "kind": Kind(row["kind"])})
