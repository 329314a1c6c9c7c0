"""Staff invitations as rules: how long one stays open, and whether the invitation a link
names may still be accepted. No I/O.

An invitation is open until it is accepted, replaced by a newer one to the same address,
cancelled, or its time passes; only an open invitation that is its address's newest can be
accepted, once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from shared.family_links import utc

# Three days: long enough to reach a colleague over a weekend, short enough that a forgotten
# e-mail in an inbox stops being a way in. The link's expiry is signed to the second.
INVITATION_LIFETIME = timedelta(hours=72)


class InvitationState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REPLACED = "replaced"
    CANCELLED = "cancelled"


class InvitationClosed(Exception):
    """The invitation a valid link names can no longer be accepted; `reason` says why
    (accepted, replaced, cancelled, expired)."""

    def __init__(self, reason: str):
        super().__init__(f"this invitation is {reason}")
        self.reason = reason


def invitation_expiry(now: datetime) -> datetime:
    """When an invitation made at `now` stops working, to the second (what gets signed)."""
    return utc(now).replace(microsecond=0) + INVITATION_LIFETIME


def check_acceptable(state: str, newest: bool, expires_at: datetime, now: datetime) -> None:
    """Raise InvitationClosed unless the invitation may be accepted now. `newest`: no later
    invitation went to the same address (a replaced one whose successor failed to commit is
    still refused by its state)."""
    if state != InvitationState.OPEN:
        raise InvitationClosed(state)
    if not newest:
        raise InvitationClosed(InvitationState.REPLACED)
    if utc(now) >= utc(expires_at):
        raise InvitationClosed("expired")
