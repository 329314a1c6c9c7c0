"""The lifecycle of a self-registration: which status may follow which, and what each needs.

    pending ──► in_review ──► approved ──► converted
       │          │  ▲  │         │
       │          ▼  │  │         ▼
       │       needs_info │     in_review (reopened)
       ▼          │       ▼
    rejected ◄────┴───────┘      rejected ──► in_review (reconsidered)

needs_info carries the message to the family (and what is missing); rejected carries a reason.
converted is final.

The family may withdraw from any open stage (WITHDRAWABLE), with a reason if it gives one;
withdrawn is final too. Staff cannot withdraw for a family (it is not in ALLOWED): a family
that calls the school is sent its link (/family), so the change is the family's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.registration_status import Status

ALLOWED = {
    Status.PENDING: frozenset({Status.IN_REVIEW, Status.REJECTED}),
    Status.IN_REVIEW: frozenset({Status.NEEDS_INFO, Status.APPROVED, Status.REJECTED}),
    Status.NEEDS_INFO: frozenset({Status.IN_REVIEW, Status.REJECTED}),
    Status.APPROVED: frozenset({Status.CONVERTED, Status.IN_REVIEW, Status.REJECTED}),
    Status.REJECTED: frozenset({Status.IN_REVIEW}),
    Status.CONVERTED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

# Who the history names for what a family does on its own page (withdrawing, answering a
# request, taking or turning down a seat).
FAMILY_ACTOR = "family"
# The stages a family may withdraw from: every stage before the child is enrolled or refused.
WITHDRAWABLE = frozenset({Status.PENDING, Status.IN_REVIEW, Status.NEEDS_INFO, Status.APPROVED})


class InvalidTransition(ValueError):
    def __init__(self, from_status: str, to_status: str):
        allowed = sorted(ALLOWED.get(from_status, ()))
        super().__init__(f"a registration cannot go from {from_status} to {to_status}")
        self.from_status, self.to_status, self.allowed = from_status, to_status, allowed


class MissingReason(ValueError):
    """The status needs words for the family or the record (needs_info, rejected)."""

    def __init__(self, to_status: str, field: str):
        super().__init__(f"moving to {to_status} needs a {field}")
        self.to_status, self.field = to_status, field


@dataclass(frozen=True)
class StatusChange:
    from_status: str
    to_status: str
    note: str | None = None
    missing: tuple[str, ...] = ()


def plan_status_change(
    from_status: str, to_status: str, note: str | None = None, missing: tuple[str, ...] = ()
) -> StatusChange:
    """Check a transition and its required words; raises InvalidTransition / MissingReason."""
    if to_status not in ALLOWED.get(from_status, ()):
        raise InvalidTransition(from_status, to_status)
    note = (note or "").strip() or None
    if to_status in (Status.NEEDS_INFO, Status.REJECTED) and not note:
        raise MissingReason(
            to_status, "message to the family" if to_status == Status.NEEDS_INFO else "reason"
        )
    return StatusChange(
        from_status, to_status, note, tuple(missing) if to_status == Status.NEEDS_INFO else ()
    )


def plan_withdrawal(from_status: str, reason: str | None = None) -> StatusChange:
    """The family's withdrawal, with its optional reason; raises InvalidTransition once the
    registration is converted, rejected or already withdrawn."""
    if from_status not in WITHDRAWABLE:
        raise InvalidTransition(from_status, Status.WITHDRAWN)
    return StatusChange(from_status, Status.WITHDRAWN, (reason or "").strip() or None)
