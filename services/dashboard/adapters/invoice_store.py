"""Invoices in MySQL (t_dashboard_invoice): issued and paid, from invoice events in any order,
and the overdue ones for the action rail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dashboard.adapters.utc_columns import from_column, to_column


@dataclass(frozen=True)
class IssuedInvoice:
    school_id: int
    invoice_id: int
    registration_id: int
    number: str | None
    amount_minor: int | None
    currency: str | None
    student_name: str | None
    issued_at: datetime
    due_at: datetime


def record_issued(cursor, invoice: IssuedInvoice) -> None:
    """The invoice's issue; a payment seen before it is kept."""
    cursor.execute(
        "INSERT INTO t_dashboard_invoice (school_id, invoice_id, registration_id, number, "
        "amount_minor, currency, student_name, issued_at, due_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE "
        "registration_id = VALUES(registration_id), number = VALUES(number), "
        "amount_minor = VALUES(amount_minor), currency = VALUES(currency), "
        "student_name = COALESCE(VALUES(student_name), student_name), "
        "issued_at = VALUES(issued_at), due_at = VALUES(due_at)",
        (
            invoice.school_id,
            invoice.invoice_id,
            invoice.registration_id,
            invoice.number,
            invoice.amount_minor,
            invoice.currency,
            invoice.student_name,
            to_column(invoice.issued_at),
            to_column(invoice.due_at),
        ),
    )


def record_paid(
    cursor, school_id: int, invoice_id: int, registration_id: int, paid_at: datetime
) -> None:
    """The invoice was paid in full; the earliest payment time is kept."""
    cursor.execute(
        "INSERT INTO t_dashboard_invoice (school_id, invoice_id, registration_id, paid_at) "
        "VALUES (%s, %s, %s, %s) ON DUPLICATE KEY UPDATE "
        "paid_at = IF(paid_at IS NULL, VALUES(paid_at), LEAST(paid_at, VALUES(paid_at)))",
        (school_id, invoice_id, registration_id, to_column(paid_at)),
    )


def overdue(cursor, school_id: int, now: datetime, limit: int) -> tuple[list[dict], int]:
    """Unpaid invoices past their due time, longest overdue first (at most `limit`), and how
    many there are in all."""
    where = "FROM t_dashboard_invoice WHERE school_id = %s AND paid_at IS NULL AND due_at < %s"
    cursor.execute(
        f"SELECT invoice_id, registration_id, number, amount_minor, currency, "
        f"student_name, issued_at, due_at {where} ORDER BY due_at, invoice_id "
        "LIMIT %s",
        (school_id, to_column(now), limit),
    )
    rows = [
        {**row, "issued_at": from_column(row["issued_at"]), "due_at": from_column(row["due_at"])}
        for row in cursor.fetchall()
    ]
    if len(rows) < limit:
        return rows, len(rows)
    cursor.execute(f"SELECT COUNT(*) AS n {where}", (school_id, to_column(now)))
    return rows, int(cursor.fetchone()["n"])
