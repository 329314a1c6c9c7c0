"""Invoices and payments: which fees make an invoice, its total, and which payments it takes.
Amounts are integers in minor units (cents) of the school's currency; no floats anywhere.

An invoice goes draft -> issued -> paid; it is paid when the payments reach its total, and a
payment that would take it beyond its total is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

PAYMENT_METHODS = ("card", "bank_transfer", "cash", "check", "autopay", "other")

# Scopes of a fee schedule row, most specific first.
FOR_SCHEDULE, FOR_PROGRAM, FOR_EVERY_ENROLMENT = "schedule", "program", "school"


@dataclass(frozen=True)
class FeeItem:
    fee_schedule_id: int
    scope: str
    label: str
    amount_minor: int


@dataclass(frozen=True)
class InvoiceLine:
    label: str
    amount_minor: int
    fee_schedule_id: int | None = None


class NoFeeForClass(ValueError):
    """The school has no fee for the class (neither for the schedule nor its program)."""


class PaymentRefused(ValueError):
    def __init__(self, message: str, balance_minor: int):
        super().__init__(message)
        self.balance_minor = balance_minor


class InvoiceNotPayable(ValueError):
    def __init__(self, status: str):
        super().__init__(f"a {status} invoice takes no payments")
        self.status = status


def invoice_lines(fees: Iterable[FeeItem]) -> list[InvoiceLine]:
    """The class's tuition (the schedule's own fees, else its program's) then the fees every
    enrolment pays. Raises NoFeeForClass when the class has no fee at all."""
    fees = list(fees)
    for scope in (FOR_SCHEDULE, FOR_PROGRAM):
        tuition = [fee for fee in fees if fee.scope == scope]
        if tuition:
            break
    else:
        raise NoFeeForClass("no fee schedule covers this class")
    extras = [fee for fee in fees if fee.scope == FOR_EVERY_ENROLMENT]
    return [
        InvoiceLine(fee.label, fee.amount_minor, fee.fee_schedule_id) for fee in (*tuition, *extras)
    ]


def invoice_total(lines: Sequence[InvoiceLine]) -> int:
    for line in lines:
        if not isinstance(line.amount_minor, int) or line.amount_minor < 0:
            raise ValueError(f"line {line.label!r} has a bad amount {line.amount_minor!r}")
    return sum(line.amount_minor for line in lines)


def invoice_number(sequence: int) -> str:
    """The school's n-th invoice, e.g. INV-000042 (numbers are unique per school)."""
    if sequence < 1:
        raise ValueError("invoice sequence numbers start at 1")
    return f"INV-{sequence:06d}"


@dataclass(frozen=True)
class PaymentOutcome:
    paid_minor: int
    balance_minor: int
    settles: bool


def apply_payment(
    status: str, total_minor: int, paid_minor: int, amount_minor: int
) -> PaymentOutcome:
    """What a payment does to an invoice. Raises InvoiceNotPayable (draft, void) and
    PaymentRefused (not positive, or beyond what is owed, which includes any payment on a
    paid invoice)."""
    if status in ("draft", "void"):
        raise InvoiceNotPayable(status)
    balance = total_minor - paid_minor
    if not isinstance(amount_minor, int) or amount_minor <= 0:
        raise PaymentRefused("must be a positive amount in minor units", balance)
    if amount_minor > balance:
        raise PaymentRefused(f"exceeds the balance of {balance}", balance)
    paid = paid_minor + amount_minor
    return PaymentOutcome(paid, total_minor - paid, paid == total_minor)
