"""Reminders: when they fall due, and which family actions stop them.

A needs_info request unanswered after a while gets one reminder; so does an invoice that stays
unpaid. Any move of the registration out of needs_info (the family answered, or the school
moved on) stops the needs_info reminder; the invoice's payment (or the family signing up for
autopay) stops its reminder; a rejected registration stops them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from shared.registration_status import Status


class ReminderKind(str, Enum):
    NEEDS_INFO = "needs_info"
    INVOICE_UNPAID = "invoice_unpaid"

    @property
    def template(self) -> str:
        return {"needs_info": "needs_info_reminder", "invoice_unpaid": "invoice_reminder"}[
            self.value
        ]


@dataclass(frozen=True)
class ReminderRequest:
    kind: ReminderKind
    recipient: str
    due_at: datetime
    context: dict
    invoice_id: int | None = None


@dataclass(frozen=True)
class ReminderStop:
    """Stop the registration's scheduled reminders of these kinds (of one invoice, if set)."""

    kinds: frozenset[ReminderKind]
    invoice_id: int | None = None


def reminder_due_at(asked_at: datetime, wait: timedelta) -> datetime:
    return asked_at + wait


def stops_for_status_change(from_status: str | None, to_status: str) -> tuple[ReminderStop, ...]:
    if to_status in (Status.REJECTED, Status.WITHDRAWN):
        return (ReminderStop(frozenset(ReminderKind)),)
    if from_status == Status.NEEDS_INFO and to_status != Status.NEEDS_INFO:
        return (ReminderStop(frozenset({ReminderKind.NEEDS_INFO})),)
    return ()


def stop_for_payment(invoice_id: int) -> ReminderStop:
    return ReminderStop(frozenset({ReminderKind.INVOICE_UNPAID}), invoice_id)
