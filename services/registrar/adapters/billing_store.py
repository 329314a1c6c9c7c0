"""Fee schedules, invoices, their lines and payments in MySQL, for one school at a time.

Amounts are integers in minor units of the school's currency. Every query names the school;
an invoice of another school is simply not found.
"""

from __future__ import annotations

from datetime import datetime

from registrar.adapters.db_cursor import cursor_from
from registrar.adapters.json_values import iso_utc
from registrar.domain.billing import (
    FOR_EVERY_ENROLMENT,
    FOR_PROGRAM,
    FOR_SCHEDULE,
    FeeItem,
    InvoiceLine,
    NoFeeForClass,
    invoice_lines,
    invoice_number,
    invoice_total,
)
from shared.config import Settings
from shared.errors import NotFound
from shared.family_links import AutopayLink, autopay_path, utc
from shared.signing import KeyRing

_INVOICE_COLUMNS = (
    "id, school_id, registration_id, schedule_id, number, status, currency, "
    "amount_minor, paid_minor, send_invoice, send_autopay_link, "
    "autopay_link_expires_at, created_at, issued_at, paid_at"
)


# -- fee schedules --------------------------------------------------------------------------


def fee_items(cursor, school_id: int, schedule_id: int, program: str | None) -> list[FeeItem]:
    """The fees that could apply to a class: its own, its program's, and every enrolment's."""
    cursor.execute(
        "SELECT id, schedule_id, program, label, amount_minor FROM fee_schedules "
        "WHERE school_id = %s AND (schedule_id = %s "
        "OR (schedule_id IS NULL AND program = %s) "
        "OR (schedule_id IS NULL AND program IS NULL)) ORDER BY id",
        (school_id, schedule_id, program),
    )
    return [
        FeeItem(
            row["id"],
            FOR_SCHEDULE
            if row["schedule_id"]
            else FOR_PROGRAM
            if row["program"]
            else FOR_EVERY_ENROLMENT,
            row["label"],
            row["amount_minor"],
        )
        for row in cursor.fetchall()
    ]


def add_fee(
    cursor,
    school_id: int,
    label: str,
    amount_minor: int,
    *,
    schedule_id: int | None = None,
    program: str | None = None,
) -> int:
    cursor.execute(
        "INSERT INTO fee_schedules (school_id, schedule_id, program, label, "
        "amount_minor, created_at) VALUES (%s, %s, %s, %s, %s, UTC_TIMESTAMP(6))",
        (school_id, schedule_id, program, label, amount_minor),
    )
    return cursor.lastrowid


# -- invoices -------------------------------------------------------------------------------


def next_invoice_number(cursor, school_id: int) -> str:
    """Take the school's next number; the sequence row stays locked until the caller commits,
    so numbers follow commit order and a rolled-back approval gives its number back."""
    cursor.execute(
        "INSERT INTO invoice_sequences (school_id, last_number) VALUES (%s, LAST_INSERT_ID(1)) "
        "ON DUPLICATE KEY UPDATE last_number = LAST_INSERT_ID(last_number + 1)",
        (school_id,),
    )
    cursor.execute("SELECT LAST_INSERT_ID() AS n")
    return invoice_number(int(cursor.fetchone()["n"]))


def create_invoice(
    cursor,
    school_id: int,
    registration_id: int,
    schedule_id: int,
    currency: str,
    lines: list[InvoiceLine],
    actor: str,
    *,
    send_invoice: bool,
    send_autopay_link: bool,
    autopay_link_expires_at: datetime | None,
) -> int:
    """Write a draft invoice with its lines; `issue` makes it payable."""
    cursor.execute(
        "INSERT INTO invoices (school_id, registration_id, schedule_id, number, status, "
        "currency, amount_minor, send_invoice, send_autopay_link, autopay_link_expires_at, "
        "created_by, created_at) VALUES (%s, %s, %s, %s, 'draft', %s, %s, %s, %s, %s, %s, "
        "UTC_TIMESTAMP(6))",
        (
            school_id,
            registration_id,
            schedule_id,
            next_invoice_number(cursor, school_id),
            currency,
            invoice_total(lines),
            send_invoice,
            send_autopay_link,
            autopay_link_expires_at,
            actor,
        ),
    )
    invoice_id = cursor.lastrowid
    cursor.executemany(
        "INSERT INTO invoice_lines (school_id, invoice_id, position, label, amount_minor, "
        "fee_schedule_id) VALUES (%s, %s, %s, %s, %s, %s)",
        [
            (school_id, invoice_id, position, line.label, line.amount_minor, line.fee_schedule_id)
            for position, line in enumerate(lines, start=1)
        ],
    )
    return invoice_id


def issue(cursor, school_id: int, invoice_id: int) -> None:
    cursor.execute(
        "UPDATE invoices SET status = 'issued', issued_at = UTC_TIMESTAMP(6) "
        "WHERE id = %s AND school_id = %s AND status = 'draft'",
        (invoice_id, school_id),
    )


def invoice_row(cursor, school_id: int, invoice_id: int, *, lock: bool = False) -> dict:
    cursor.execute(
        f"SELECT {_INVOICE_COLUMNS} FROM invoices WHERE id = %s AND school_id = %s"
        + (" FOR UPDATE" if lock else ""),
        (invoice_id, school_id),
    )
    row = cursor.fetchone()
    if row is None:
        raise NotFound("invoice")
    return row


def invoice_of_registration(cursor, school_id: int, registration_id: int) -> dict | None:
    cursor.execute(
        f"SELECT {_INVOICE_COLUMNS} FROM invoices WHERE registration_id = %s AND school_id = %s",
        (registration_id, school_id),
    )
    return cursor.fetchone()


def record_payment(
    cursor,
    school_id: int,
    invoice_id: int,
    amount_minor: int,
    method: str,
    reference: str | None,
    paid_minor: int,
    settles: bool,
    actor: str,
) -> int:
    cursor.execute(
        "INSERT INTO payments (school_id, invoice_id, amount_minor, method, reference, "
        "recorded_by, recorded_at) VALUES (%s, %s, %s, %s, %s, %s, UTC_TIMESTAMP(6))",
        (school_id, invoice_id, amount_minor, method, reference, actor),
    )
    payment_id = cursor.lastrowid
    cursor.execute(
        "UPDATE invoices SET paid_minor = %s, status = IF(%s, 'paid', status), "
        "paid_at = IF(%s, UTC_TIMESTAMP(6), paid_at) WHERE id = %s AND school_id = %s",
        (paid_minor, settles, settles, invoice_id, school_id),
    )
    return payment_id


# -- invoices as the API shows them ---------------------------------------------------------


def invoice_answer(cursor, school_id: int, invoice: dict, signing: Settings | None) -> dict:
    """An invoice with its lines, payments, balance and, when one was made and `signing` is
    given, its autopay link: the link pays for the family, so a caller who may not act for the
    school (a viewer) gets None."""
    cursor.execute(
        "SELECT label, amount_minor FROM invoice_lines WHERE invoice_id = %s "
        "AND school_id = %s ORDER BY position",
        (invoice["id"], school_id),
    )
    lines = list(cursor.fetchall())
    cursor.execute(
        "SELECT id, amount_minor, method, reference, recorded_at FROM payments "
        "WHERE invoice_id = %s AND school_id = %s ORDER BY id",
        (invoice["id"], school_id),
    )
    payments = [{**row, "recorded_at": iso_utc(row["recorded_at"])} for row in cursor.fetchall()]
    cursor.execute(
        "SELECT accepted_at FROM autopay_mandates WHERE invoice_id = %s AND school_id = %s",
        (invoice["id"], school_id),
    )
    mandate = cursor.fetchone()
    return {
        "id": invoice["id"],
        "number": invoice["number"],
        "registration_id": invoice["registration_id"],
        "status": invoice["status"],
        "currency": invoice["currency"],
        "amount_minor": invoice["amount_minor"],
        "paid_minor": invoice["paid_minor"],
        "balance_minor": invoice["amount_minor"] - invoice["paid_minor"],
        "lines": lines,
        "payments": payments,
        "issued_at": iso_utc(invoice["issued_at"]),
        "paid_at": iso_utc(invoice["paid_at"]),
        "autopay_url": autopay_url(invoice, signing) if signing else None,
        "autopay_accepted_at": iso_utc(mandate["accepted_at"]) if mandate else None,
    }


def autopay_url(invoice: dict, settings: Settings) -> str | None:
    """The invoice's autopay link under EDQUILL_PUBLIC_URL: the same every time it is asked
    for under one key (the expiry is stored and signed), None when none was made."""
    expires_at = invoice["autopay_link_expires_at"]
    if expires_at is None:
        return None
    link = AutopayLink(invoice["school_id"], invoice["id"], utc(expires_at))
    return settings.public_link(autopay_path(KeyRing.of(settings), link))


def fees_for(cursor_or_connection, school_id: int, registration_id: int) -> list[dict]:
    """The Fees section of a registration's detail: its invoice, or else what its class would
    cost (a quote), or nothing when it has no class. Links are left out here."""
    with cursor_from(cursor_or_connection) as cursor:
        invoice = invoice_of_registration(cursor, school_id, registration_id)
        if invoice is not None:
            answer = invoice_answer(cursor, school_id, invoice, signing=None)
            answer.pop("autopay_url")
            return [{"kind": "invoice", **answer}]
        return _quote(cursor, school_id, registration_id)


def _quote(cursor, school_id: int, registration_id: int) -> list[dict]:
    cursor.execute(
        "SELECT s.id, s.program, sc.currency FROM class_placements p "
        "JOIN class_schedules s ON s.id = p.schedule_id AND s.school_id = p.school_id "
        "JOIN schools sc ON sc.id = p.school_id "
        "WHERE p.registration_id = %s AND p.school_id = %s",
        (registration_id, school_id),
    )
    placed = cursor.fetchone()
    if placed is None:
        return []
    try:
        lines = invoice_lines(fee_items(cursor, school_id, placed["id"], placed["program"]))
    except NoFeeForClass:
        return []
    return [
        {
            "kind": "quote",
            "currency": placed["currency"],
            "amount_minor": invoice_total(lines),
            "lines": [{"label": line.label, "amount_minor": line.amount_minor} for line in lines],
        }
    ]


# -- demo data ------------------------------------------------------------------------------


def seed_demo(cursor, school_id: int) -> dict:
    """Fees for a demo school: a registration fee every enrolment pays, and a tuition for each
    program that has a class without a fee of its own (classes.seed_demo gives each class its
    tuition, so after it only the registration fee is added). Returns the new fees' ids."""
    fees = {"registration": add_fee(cursor, school_id, "Registration fee", 2500)}
    cursor.execute(
        "SELECT DISTINCT s.program FROM class_schedules s WHERE s.school_id = %s "
        "AND s.program IS NOT NULL AND NOT EXISTS (SELECT 1 FROM fee_schedules f "
        "WHERE f.school_id = s.school_id AND (f.schedule_id = s.id OR f.program = s.program)) "
        "ORDER BY s.program",
        (school_id,),
    )
    for row in cursor.fetchall():
        fees[row["program"]] = add_fee(
            cursor, school_id, f"Tuition: {row['program']}", 15000, program=row["program"]
        )
    return fees
