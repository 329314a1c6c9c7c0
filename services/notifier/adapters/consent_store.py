"""Consent in MySQL: each address's latest decision per channel and purpose (t_consent, with
where and when it was last given and last withdrawn), each registration's own answer
(t_registration_consent), and every decision as it came (t_consent_history, append-only:
nothing here updates or deletes a history row)."""

from __future__ import annotations

from datetime import datetime

from notifier.adapters.clock import as_utc
from notifier.domain.consent import (
    Channel,
    ConsentChange,
    ConsentDecision,
    ConsentState,
    Outcome,
    Proof,
    Purpose,
    consent_decision,
    supersedes,
)

# Column widths a longer value is cut to: evidence (VARCHAR(255) in each consent table) and
# t_consent_history.request_address (VARCHAR(45), the longest IPv6 address written out).
EVIDENCE_LENGTH = 255
REQUEST_ADDRESS_LENGTH = 45


def consent_state(
    cursor,
    school_id: int,
    recipient: str,
    purpose: Purpose,
    channel: Channel = Channel.EMAIL,
    *,
    for_update: bool = False,
) -> ConsentState | None:
    """The address's decision (made through a link mailed to it), if any."""
    cursor.execute(
        "SELECT granted, changed_at, changed_via FROM t_consent WHERE school_id = %s "
        "AND recipient = %s AND channel = %s AND purpose = %s"
        + (" FOR UPDATE" if for_update else ""),
        (school_id, recipient, channel.value, purpose.value),
    )
    return _state(cursor.fetchone())


def registration_consent_state(
    cursor,
    school_id: int,
    registration_id: int,
    recipient: str,
    purpose: Purpose,
    channel: Channel = Channel.EMAIL,
    *,
    for_update: bool = False,
) -> ConsentState | None:
    """What the registration's form said for this address, if anything."""
    cursor.execute(
        "SELECT granted, changed_at, changed_via FROM t_registration_consent "
        "WHERE school_id = %s AND registration_id = %s AND recipient = %s AND channel = %s "
        "AND purpose = %s" + (" FOR UPDATE" if for_update else ""),
        (school_id, registration_id, recipient, channel.value, purpose.value),
    )
    return _state(cursor.fetchone())


def decision_for(
    cursor, school_id: int, recipient: str, purpose: Purpose, registration_id: int | None
) -> ConsentDecision:
    """Whether mail of `purpose` about `registration_id` (None: about no registration) may go."""
    if purpose is Purpose.TRANSACTIONAL:
        return consent_decision(purpose, None)
    address = consent_state(cursor, school_id, recipient, purpose)
    registration = (
        None
        if registration_id is None
        else registration_consent_state(cursor, school_id, registration_id, recipient, purpose)
    )
    return consent_decision(purpose, address, registration)


def record_consent(
    cursor, school_id: int, change: ConsentChange, now: datetime, proof: Proof
) -> Outcome:
    """Store the decision in its scope unless a later one is on record, and keep it in the
    history either way."""
    outcome = (
        Outcome.RECORDED if store_consent(cursor, school_id, change, now) else Outcome.SUPERSEDED
    )
    append_history(cursor, school_id, change, proof, outcome, now)
    return outcome


def store_consent(cursor, school_id: int, change: ConsentChange, now: datetime) -> bool:
    """The decision as the latest of its scope, unless a later one is on record; True when
    it was stored. Callers keep it in the history (`append_history`)."""
    if change.registration_id is not None:
        return _store_for_registration(cursor, school_id, change, now)
    state = consent_state(
        cursor, school_id, change.recipient, change.purpose, change.channel, for_update=True
    )
    if not supersedes(change, state):
        return False
    given = (change.at, change.via) if change.granted else (None, None)
    # Only links decide for an address, so its first no withdraws what its registrations said.
    withdrawn = (
        (change.at, change.via)
        if not change.granted and (state is None or state.granted)
        else (None, None)
    )
    cursor.execute(
        "INSERT INTO t_consent (school_id, recipient, channel, purpose, granted, changed_at, "
        "changed_via, evidence, given_at, given_via, withdrawn_at, withdrawn_via, updated_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE "
        "granted = VALUES(granted), changed_at = VALUES(changed_at), "
        "changed_via = VALUES(changed_via), evidence = VALUES(evidence), "
        "given_at = COALESCE(VALUES(given_at), given_at), "
        "given_via = COALESCE(VALUES(given_via), given_via), "
        "withdrawn_at = COALESCE(VALUES(withdrawn_at), withdrawn_at), "
        "withdrawn_via = COALESCE(VALUES(withdrawn_via), withdrawn_via), "
        "updated_at = VALUES(updated_at)",
        (
            school_id,
            change.recipient,
            change.channel.value,
            change.purpose.value,
            change.granted,
            change.at,
            change.via,
            _evidence(change.evidence),
            *given,
            *withdrawn,
            now,
        ),
    )
    return True


def _store_for_registration(cursor, school_id: int, change: ConsentChange, now: datetime) -> bool:
    state = registration_consent_state(
        cursor,
        school_id,
        change.registration_id,
        change.recipient,
        change.purpose,
        change.channel,
        for_update=True,
    )
    if not supersedes(change, state):
        return False
    cursor.execute(
        "INSERT INTO t_registration_consent (school_id, registration_id, recipient, channel, "
        "purpose, granted, changed_at, changed_via, evidence, updated_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE "
        "granted = VALUES(granted), changed_at = VALUES(changed_at), "
        "changed_via = VALUES(changed_via), evidence = VALUES(evidence), "
        "updated_at = VALUES(updated_at)",
        (
            school_id,
            change.registration_id,
            change.recipient,
            change.channel.value,
            change.purpose.value,
            change.granted,
            change.at,
            change.via,
            _evidence(change.evidence),
            now,
        ),
    )
    return True


def append_history(
    cursor, school_id: int, change: ConsentChange, proof: Proof, outcome: Outcome, now: datetime
) -> None:
    cursor.execute(
        "INSERT INTO t_consent_history (school_id, recipient, channel, purpose, scope, "
        "registration_id, granted, actor, via, outcome, decided_at, recorded_at, evidence, "
        "event_id, token_hash, request_address, confirmation_id) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            school_id,
            change.recipient,
            change.channel.value,
            change.purpose.value,
            "address" if change.registration_id is None else "registration",
            change.registration_id,
            change.granted,
            proof.actor.value,
            change.via,
            outcome.value,
            change.at,
            now,
            _evidence(change.evidence),
            proof.event_id,
            proof.token_hash,
            (proof.request_address or "")[:REQUEST_ADDRESS_LENGTH] or None,
            proof.confirmation_id,
        ),
    )


def _state(row: dict | None) -> ConsentState | None:
    if row is None:
        return None
    return ConsentState(bool(row["granted"]), as_utc(row["changed_at"]), row["changed_via"])


def _evidence(text: str | None) -> str | None:
    return (text or "")[:EVIDENCE_LENGTH] or None
