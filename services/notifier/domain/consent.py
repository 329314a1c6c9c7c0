"""Consent: who may be sent what, per recipient, channel and purpose.

Transactional mail (about the family's own registration: a request for information, the
approval and invoice, a receipt) goes whatever the recipient chose, and is logged as
transactional. Reminders and marketing need a yes.

Two scopes, because only some decisions prove who made them:
- the address (school + address): decided only by whoever holds the mailbox, through a link
  we mailed to it (unsubscribe, confirmation). An address's no stands over every registration
  at it until its owner confirms again from a link sent to that address (double opt-in).
- the registration: what a form said about that registration's own reminders. Anyone can type
  an address into a form, so a form's answer reaches no other registration or family.

A decision older than the one on record changes nothing, so a late event cannot undo a later
unsubscribe.
"""

from __future__ import annotations

import hashlib
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

# Where a decision was made, as recorded in changed_via.
SELF_REGISTRATION_FORM = "self_registration_form"
UNSUBSCRIBE_LINK = "unsubscribe_link"
CONFIRMATION_LINK = "confirmation_link"


class Actor(str, Enum):
    """Who made a decision, as the history records it."""

    FORM = "form"  # anyone who filled in a form: proves nothing about the address
    LINK = "link"  # whoever followed a link mailed to the address: its owner
    STAFF = "staff"  # a school's staff member


class Outcome(str, Enum):
    """What a decision did, as the history records it."""

    RECORDED = "recorded"
    SUPERSEDED = "superseded"  # older than the decision on record
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # a yes the address's owner must confirm


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
    # Set: a decision about this registration only (a form's); None: about the address.
    registration_id: int | None = None


@dataclass(frozen=True)
class Proof:
    """What shows who made a decision: kept with it in the history."""

    actor: Actor
    event_id: str | None = None
    token_hash: str | None = None
    request_address: str | None = None
    confirmation_id: int | None = None


@dataclass(frozen=True)
class LinkFollowed:
    """A link we mailed to the address, followed: what shows its owner made the decision."""

    token: str
    request_address: str | None

    def proof(self, confirmation_id: int | None = None) -> Proof:
        return Proof(
            Actor.LINK,
            token_hash=link_token_hash(self.token),
            request_address=self.request_address,
            confirmation_id=confirmation_id,
        )


@dataclass(frozen=True)
class ConsentDecision:
    send: bool
    reason: str


def consent_decision(
    purpose: Purpose, address: ConsentState | None, registration: ConsentState | None = None
) -> ConsentDecision:
    """Whether mail of `purpose` may go: the address's no stands over everything; then the
    registration's own answer, when the mail is about one that has one; then the address's."""
    if purpose is Purpose.TRANSACTIONAL:
        return ConsentDecision(True, "transactional: sent without asking for consent")
    if address is not None and not address.granted:
        return ConsentDecision(
            False, f"no consent for {purpose.value} (declined via {address.changed_via})"
        )
    state = registration or address
    if state is None:
        return ConsentDecision(False, f"no consent on record for {purpose.value}")
    scope = " for this registration" if state is registration else ""
    if not state.granted:
        return ConsentDecision(
            False, f"no consent for {purpose.value} (declined via {state.changed_via}{scope})"
        )
    return ConsentDecision(
        True, f"consent for {purpose.value} given via {state.changed_via}{scope}"
    )


def needs_owner_confirmation(change: ConsentChange, address: ConsentState | None) -> bool:
    """A form's yes, given after the address's owner said no: only the owner can lift the no.
    (A yes given before the no was answered by it already.)"""
    return (
        change.granted
        and change.registration_id is not None
        and address is not None
        and not address.granted
        and change.at >= address.changed_at
    )


def supersedes(change: ConsentChange, state: ConsentState | None) -> bool:
    """Whether the change is news: there is no decision yet, or it is not older than it."""
    return state is None or change.at >= state.changed_at


def link_token_hash(token: str) -> str:
    """What the history keeps of a link followed: its SHA-256, never the bearer token itself."""
    return hashlib.sha256(token.encode()).hexdigest()
