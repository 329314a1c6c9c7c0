"""The action rail's rules: what needs doing, and since when.

- a lead waiting longer than the school's target: `pending` or `in_review`, unchanged for more
  than `lead_wait_hours`;
- needs_info unanswered: waiting on the family for more than `needs_info_wait_hours`;
- approved but not converted: approved more than `approved_wait_hours` ago;
- an invoice overdue: issued, unpaid, past its due date;
- a seat offer waiting on its family: offered from a class's waitlist, not yet accepted,
  declined or expired;
- a message held: a reminder to a family held back (quiet hours), as the notifier reports.

Each item links to its registration in the registrar workspace. Pure rules: times in, items out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from shared.registration_status import Status


class RailKind(str, Enum):
    LEAD_WAITING = "lead_waiting"
    NEEDS_INFO_UNANSWERED = "needs_info_unanswered"
    APPROVED_NOT_CONVERTED = "approved_not_converted"
    INVOICE_OVERDUE = "invoice_overdue"
    SEAT_OFFER_WAITING = "seat_offer_waiting"
    MESSAGE_HELD = "message_held"


# The rail's order: what the school owes first, then what families owe, then mail.
RAIL_ORDER = tuple(RailKind)

# Which statuses a rule watches.
WAITING_ON_SCHOOL = (Status.PENDING, Status.IN_REVIEW)
WAITING_ON_FAMILY = (Status.NEEDS_INFO,)
APPROVED = (Status.APPROVED,)

HEADINGS = {
    RailKind.LEAD_WAITING: "Leads waiting longer than the target",
    RailKind.NEEDS_INFO_UNANSWERED: "Information requests unanswered",
    RailKind.APPROVED_NOT_CONVERTED: "Approved, not enrolled yet",
    RailKind.INVOICE_OVERDUE: "Invoices overdue",
    RailKind.SEAT_OFFER_WAITING: "Seat offers waiting on families",
    RailKind.MESSAGE_HELD: "Messages held",
}


@dataclass(frozen=True)
class Targets:
    """How long each kind of registration may wait before it shows on the rail, in hours."""

    lead_wait_hours: int
    needs_info_wait_hours: int
    approved_wait_hours: int


@dataclass(frozen=True)
class RailItem:
    kind: RailKind
    registration_id: int
    title: str
    since: datetime


def waited_too_long(since: datetime, now: datetime, hours: int) -> bool:
    """Whether something that started at `since` has waited more than `hours` by `now`."""
    return now - since > timedelta(hours=hours)


def cutoff(now: datetime, hours: int) -> datetime:
    """Whatever started before this instant has waited more than `hours` at `now`."""
    return now - timedelta(hours=hours)


def status_cutoffs(now: datetime, targets: Targets) -> dict[str, datetime]:
    """For each watched status, registrations in it since before the cutoff are on the rail."""
    cutoffs = {status: cutoff(now, targets.lead_wait_hours) for status in WAITING_ON_SCHOOL}
    cutoffs.update(
        {status: cutoff(now, targets.needs_info_wait_hours) for status in WAITING_ON_FAMILY}
    )
    cutoffs.update({status: cutoff(now, targets.approved_wait_hours) for status in APPROVED})
    return cutoffs


def kind_of_status(status: str) -> RailKind:
    if status in WAITING_ON_SCHOOL:
        return RailKind.LEAD_WAITING
    if status in WAITING_ON_FAMILY:
        return RailKind.NEEDS_INFO_UNANSWERED
    if status in APPROVED:
        return RailKind.APPROVED_NOT_CONVERTED
    raise ValueError(f"no rail rule watches status {status!r}")


def due_at(issued_at: datetime, stated: datetime | None, default_days: int) -> datetime:
    """An invoice's due time: the one it states, else `default_days` after issue."""
    return stated if stated is not None else issued_at + timedelta(days=default_days)


def is_overdue(due: datetime | None, paid_at: datetime | None, now: datetime) -> bool:
    return due is not None and paid_at is None and due < now


def registration_label(registration_id: int, name: str | None) -> str:
    return name or f"Registration #{registration_id}"


def status_title(status: str, registration_id: int, name: str | None) -> str:
    what = {
        Status.PENDING: "new lead, not reviewed yet",
        Status.IN_REVIEW: "in review, no decision yet",
        Status.NEEDS_INFO: "waiting for the family's information",
        Status.APPROVED: "approved, not enrolled yet",
    }[status]
    return f"{registration_label(registration_id, name)}: {what}"


def seat_offer_title(registration_id: int, name: str | None) -> str:
    return f"{registration_label(registration_id, name)}: a seat is held, no answer yet"


def invoice_title(registration_id: int, name: str | None, number: str | None) -> str:
    invoice = f"invoice {number}" if number else "an invoice"
    return f"{registration_label(registration_id, name)}: {invoice} is overdue"


def held_message_title(registration_id: int, name: str | None, template_key: str | None) -> str:
    what = f"{template_key.replace('_', ' ')} e-mail" if template_key else "an e-mail"
    return f"{registration_label(registration_id, name)}: {what} held for quiet hours"


def in_rail_order(items: list[RailItem]) -> list[RailItem]:
    """By kind (RAIL_ORDER), oldest first within a kind."""
    rank = {kind: position for position, kind in enumerate(RAIL_ORDER)}
    return sorted(items, key=lambda item: (rank[item.kind], item.since, item.registration_id))


def trimmed(items: list[RailItem], per_kind: int) -> list[RailItem]:
    """The oldest `per_kind` items of each kind, in rail order."""
    kept: list[RailItem] = []
    taken: dict[RailKind, int] = {}
    for item in in_rail_order(items):
        if taken.get(item.kind, 0) < per_kind:
            kept.append(item)
            taken[item.kind] = taken.get(item.kind, 0) + 1
    return kept


# A target longer than a school term would keep everything off the rail.
MAX_TARGET_HOURS = 90 * 24


def target_problems(targets: Targets) -> dict[str, str]:
    """{field: message} for each target out of 1..MAX_TARGET_HOURS."""
    return {
        name: f"Must be between 1 and {MAX_TARGET_HOURS} hours."
        for name, hours in vars(targets).items()
        if not 1 <= hours <= MAX_TARGET_HOURS
    }
