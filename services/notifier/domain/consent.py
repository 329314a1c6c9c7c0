"""Consent: who may be sent what, per recipient, channel and purpose.

Transactional mail (about the family's own registration: a request for information, the
approval and invoice, a receipt) goes whatever the recipient chose, and is logged as
transactional. Reminders and marketing go only to a recipient whose latest decision for that
purpose is a yes. A decision older than the one on record changes nothing, so a late event
cannot undo a later unsubscribe.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class Purpose(str, Enum):
    TRANSACTIONAL = "transactional"
    REMINDERS = "reminders"
    MARKETING = "marketing"


class Channel(str, Enum):
    EMAIL = "email"


# What an unsubscribe link withdraws: everything a family can say no to.
WITHDRAWABLE = (Purpose.REMINDERS, Purpose.MARKETING)

# Where a decision was made, as recorded in t_consent.changed_via.
SELF_REGISTRATION_FORM = "self_registration_form"
UNSUBSCRIBE_LINK = "unsubscribe_link"


@dataclass(frozen=True)
class ConsentState:
    """The latest decision on record for one recipient, channel and purpose."""
    granted: bool
    changed_at: datetime
    changed_via: str


@dataclass(frozen=True)
class ConsentChange:
    recipient: str
    purpose: Purpose
    granted: bool
    at: datetime
    via: str
    evidence: str | None = None
    channel: Channel = Channel.EMAIL


@dataclass(frozen=True)
class ConsentDecision:
    send: bool
    reason: str


def consent_decision(purpose: Purpose, state: ConsentState | None) -> ConsentDecision:
    if purpose is Purpose.TRANSACTIONAL:
        return ConsentDecision(True, "transactional: sent without asking for consent")
    if state is None:
        return ConsentDecision(False, f"no consent on record for {purpose.value}")
    if not state.granted:
        return ConsentDecision(False, f"no consent for {purpose.value} "
                               f"(declined via {state.changed_via})")
    return ConsentDecision(True, f"consent for {purpose.value} given via {state.changed_via}")


def supersedes(change: ConsentChange, state: ConsentState | None) -> bool:
    """Whether the change is news: there is no decision yet, or it is not older than it."""
    return state is None or change.at >= state.changed_at
