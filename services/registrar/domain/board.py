"""The stage board's rules, free of I/O: the order of its columns, and the flags a card
carries (documents missing, a class conflict, overdue) with how old a lead is.

- **Documents missing**: the family was asked for something (needs_info with a list), or a
  registration under review, waiting for information or approved has no document at all. A
  new (pending) lead is not flagged: nobody has looked at it yet.
- **Conflict**: the class the registration sits in would be refused now by the placement
  rules (registrar.domain.scheduling): the class is over capacity, its teacher teaches a
  clashing class that has students, or the same child sits in a clashing class. The API never
  places a student into a conflict; one appears when a class is changed or filled afterwards.
- **Overdue**: the registration has waited in its stage longer than OVERDUE_AFTER allows
  since its last activity (submission or status change).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Iterable, Mapping

from registrar.domain.scheduling import ClassSlot, Conflict, StudentPlacement, conflicts_for
from shared.registration_status import Status

# The board's columns, left to right: the way a registration usually travels, then the end.
BOARD_STAGES = (
    Status.PENDING,
    Status.IN_REVIEW,
    Status.NEEDS_INFO,
    Status.APPROVED,
    Status.CONVERTED,
    Status.REJECTED,
    Status.WITHDRAWN,
)

# How long a registration may wait in a stage before its card says it is overdue: a new lead
# deserves an answer within two days; a review within a working week; a family asked for
# information gets a week (the notifier reminds them after three days); an approved family
# two weeks to be enrolled. converted, rejected and withdrawn are ends, never overdue.
OVERDUE_AFTER = {
    Status.PENDING: timedelta(days=2),
    Status.IN_REVIEW: timedelta(days=5),
    Status.NEEDS_INFO: timedelta(days=7),
    Status.APPROVED: timedelta(days=14),
}

# Stages in which a registration is expected to have its documents.
DOCUMENTS_EXPECTED = frozenset({Status.IN_REVIEW, Status.NEEDS_INFO, Status.APPROVED})

# Stages whose class placement is still being decided (as
# registrar.service_layer.assignments.PLACEABLE).
PLACEMENT_OPEN = frozenset({Status.PENDING, Status.IN_REVIEW, Status.NEEDS_INFO, Status.APPROVED})


@dataclass(frozen=True)
class CardFlags:
    documents_missing: bool = False
    conflict: bool = False
    overdue: bool = False
    # The family answered a request for information and the school has not moved it since.
    family_answered: bool = False


def is_overdue(status: str, last_activity_at: datetime, now: datetime) -> bool:
    limit = OVERDUE_AFTER.get(status)
    return limit is not None and now - last_activity_at > limit


def documents_missing(status: str, document_count: int, info_missing: Iterable[str]) -> bool:
    if status == Status.NEEDS_INFO and any(info_missing):
        return True
    return status in DOCUMENTS_EXPECTED and document_count == 0


def placement_conflicts(
    schedule_id: int,
    school_classes: Mapping[int, ClassSlot],
    same_child: Iterable[StudentPlacement],
) -> list[Conflict]:
    """What is wrong with a placement that exists. `school_classes` count every seat taken,
    this registration's included (as registrar.adapters.classes_store.schedules_for_placing
    does for a registration that is in none of them)."""
    placed = school_classes[schedule_id]
    # The rules look at a class as the student is about to join it: without their own seat.
    own_view = replace(placed, taken=max(placed.taken - 1, 0))
    others = [
        own_view if slot.schedule_id == schedule_id else slot for slot in school_classes.values()
    ]
    return conflicts_for(own_view, others, same_child)


def lead_age(since: datetime, now: datetime) -> str:
    """How long ago, in words a card has room for: "just now", "40 minutes", "5 hours",
    "3 days", "6 weeks"."""
    elapsed = max(now - since, timedelta(0))
    minutes = int(elapsed.total_seconds() // 60)
    if minutes < 1:
        return "just now"
    for unit, size in (("week", 7 * 24 * 60), ("day", 24 * 60), ("hour", 60)):
        if minutes >= size * (2 if unit == "week" else 1):
            return _plural(minutes // size, unit)
    return _plural(minutes, "minute")


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" + ("" if count == 1 else "s")
