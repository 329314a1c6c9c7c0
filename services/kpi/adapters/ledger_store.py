"""The event ledger in MySQL (t_kpi_event_ledger): one row per event that moved a figure.

Written in the same transaction as the inbox row and the daily rows, it is what makes a day
rebuildable: every query a rebuild needs reads one school's day through ix_kpi_ledger_day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, Iterable

from kpi.domain.figures import KindTotal
from kpi.domain.ledger import Kind, LedgerEntry
from shared.db import placeholders

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


def add_entries(cursor, entries: list[LedgerEntry]) -> None:
    """One multi-row INSERT (pymysql rewrites executemany of a plain VALUES list into one),
    then the time to decision of every decision whose submission is now in the ledger."""
    if not entries:
        return
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
    _time_decisions(
        cursor,
        {
            (entry.school_id, entry.registration_id)
            for entry in entries
            if entry.registration_id is not None and entry.kind in _TIMED_KINDS
        },
    )


# A decision is timed when it and its submission are both in the ledger, whichever came first.
_TIMED_KINDS = frozenset({Kind.LEAD, Kind.APPROVAL, Kind.REJECTION})


def _time_decisions(cursor, registrations: set[tuple[int, int]]) -> None:
    for school_id, registration_ids in _by_school(registrations).items():
        cursor.execute(
            "UPDATE t_kpi_event_ledger decision JOIN t_kpi_event_ledger lead "
            "ON lead.school_id = decision.school_id "
            "AND lead.registration_id = decision.registration_id AND lead.kind = 'lead' "
            "SET decision.decision_us = "
            "TIMESTAMPDIFF(MICROSECOND, lead.occurred_at, decision.occurred_at) "
            f"WHERE decision.school_id = %s AND decision.registration_id IN "
            f"({placeholders(len(registration_ids))}) "
            "AND decision.kind IN ('approval', 'rejection') AND decision.decision_us IS NULL",
            (school_id, *registration_ids),
        )


def related_entries(
    cursor, invoices: set[tuple[int, int]], registrations: set[tuple[int, int]]
) -> list[LedgerEntry]:
    """Issued and paid entries of the given (school, invoice) pairs, and decision entries of
    the given (school, registration) pairs."""
    related: list[LedgerEntry] = []
    for school_id, invoice_ids in _by_school(invoices).items():
        cursor.execute(
            _SELECT + f"WHERE school_id = %s AND invoice_id IN "
            f"({placeholders(len(invoice_ids))}) AND kind IN ('invoiced', 'collected')",
            (school_id, *invoice_ids),
        )
        related += [_entry(row) for row in cursor.fetchall()]
    for school_id, registration_ids in _by_school(registrations).items():
        cursor.execute(
            _SELECT + f"WHERE school_id = %s AND registration_id IN "
            f"({placeholders(len(registration_ids))}) "
            "AND kind IN ('approval', 'rejection')",
            (school_id, *registration_ids),
        )
        related += [_entry(row) for row in cursor.fetchall()]
    return related


def decision_durations(
    cursor, school_days: Iterable[tuple[int, date]]
) -> dict[tuple[int, date], list[int]]:
    """For each (school, day): microseconds from submission to decision of every decision
    placed on that day whose submission is in the ledger (timed when both were: see
    add_entries). One statement per school."""
    found: dict[tuple[int, date], list[int]] = {key: [] for key in school_days}
    for school_id, days in _by_school(set(found)).items():
        cursor.execute(
            "SELECT day, decision_us FROM t_kpi_event_ledger WHERE school_id = %s "
            f"AND day IN ({placeholders(len(days))}) AND kind IN ('approval', 'rejection') "
            "AND decision_us IS NOT NULL",
            (school_id, *days),
        )
        for row in cursor.fetchall():
            found[(school_id, row["day"])].append(int(row["decision_us"]))
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


def _by_school(pairs: set[tuple[int, Any]]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for school_id, identifier in sorted(pairs):
        grouped[school_id].append(identifier)
    return grouped


def _entry(row: dict) -> LedgerEntry:
    return LedgerEntry(**{**row, "kind": Kind(row["kind"])})
