"""The lifecycle of a self-registration: which status may follow which, and what each needs.

    pending ──► in_review ──► approved ──► converted
       │          │  ▲  │         │
       │          ▼  │  │         ▼
       │       needs_info │     in_review (reopened)
       ▼          │       ▼
    rejected ◄────┴───────┘      rejected ──► in_review (reconsidered)

needs_info carries the message to the family (and what is missing); rejected carries a reason.
converted is final.
"""
from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("pending", "in_review", "needs_info", "approved", "rejected", "converted")

ALLOWED = {
    "pending": frozenset({"in_review", "rejected"}),
    "in_review": frozenset({"needs_info", "approved", "rejected"}),
    "needs_info": frozenset({"in_review", "rejected"}),
    "approved": frozenset({"converted", "in_review", "rejected"}),
    "rejected": frozenset({"in_review"}),
    "converted": frozenset(),
}


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


def plan_status_change(from_status: str, to_status: str, note: str | None = None,
                       missing: tuple[str, ...] = ()) -> StatusChange:
    """Check a transition and its required words; raises InvalidTransition / MissingReason."""
    if to_status not in ALLOWED.get(from_status, ()):
        raise InvalidTransition(from_status, to_status)
    note = (note or "").strip() or None
    if to_status in ("needs_info", "rejected") and not note:
        raise MissingReason(to_status, "message to the family" if to_status == "needs_info"
                            else "reason")
    return StatusChange(from_status, to_status, note,
                        tuple(missing) if to_status == "needs_info" else ())
