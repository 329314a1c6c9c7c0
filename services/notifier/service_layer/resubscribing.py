"""Double opt-in: a form's yes for an address whose owner unsubscribed is kept for that
registration, but the address's no stands. The address is sent a confirmation e-mail with a
signed link (one live request at a time, however many forms name it), and only following
that link (a POST) lifts the no. Every step goes into the consent history."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from enum import Enum

from notifier.adapters.catalogs import family_locale
from notifier.adapters.clock import as_utc
from notifier.adapters.consent_store import (
    append_history,
    consent_state,
    record_consent,
    store_consent,
)
from notifier.adapters.school_store import School
from notifier.domain import formatting
from notifier.domain.consent import (
    CONFIRMATION_LINK,
    Actor,
    ConsentChange,
    LinkFollowed,
    Outcome,
    Proof,
    Purpose,
    needs_owner_confirmation,
)
from notifier.domain.templates import CONFIRMATION_TEMPLATE
from notifier.service_layer.composer import Composer, Draft
from shared import db
from shared.events import Event
from shared.locales import choose_language


class Confirmation(str, Enum):
    """What following a confirmation link did."""

    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"  # a replay: nothing changes
    EXPIRED = "expired"
    UNKNOWN = "unknown"  # no such confirmation at that school


def record_form_consent(
    cursor,
    composer: Composer,
    school: School,
    change: ConsentChange,
    event: Event,
    now: datetime,
    valid_for: timedelta,
) -> Outcome:
    """Keep a form's answer for its registration; a yes the address's owner must confirm
    sends them the confirmation e-mail, unless one is still waiting for them."""
    proof = Proof(Actor.FORM, event_id=event.event_id)
    address = consent_state(
        cursor, school.id, change.recipient, change.purpose, for_update=True
    )  # one request at a time per address
    if not needs_owner_confirmation(change, address):
        return record_consent(cursor, school.id, change, now, proof)
    store_consent(cursor, school.id, change, now)
    confirmation_id = _waiting_confirmation(cursor, school.id, change, now) or _ask_owner(
        cursor, composer, school, change, event, now, valid_for
    )
    append_history(
        cursor,
        school.id,
        change,
        replace(proof, confirmation_id=confirmation_id),
        Outcome.AWAITING_CONFIRMATION,
        now,
    )
    return Outcome.AWAITING_CONFIRMATION


def confirmation_of(cursor, school_id: int, confirmation_id: int) -> dict | None:
    cursor.execute(
        "SELECT id, school_id, recipient, channel, purpose, registration_id, "
        "requested_at, expires_at, confirmed_at FROM t_consent_confirmation "
        "WHERE school_id = %s AND id = %s",
        (school_id, confirmation_id),
    )
    return cursor.fetchone()


def confirm(
    connection, school_id: int, confirmation_id: int, link: LinkFollowed, now: datetime
) -> Confirmation:
    """The owner's yes from the link: lifts the address's no, once."""
    with db.transaction(connection) as cursor:
        cursor.execute(
            "SELECT id, recipient, purpose, registration_id, expires_at, "
            "confirmed_at FROM t_consent_confirmation "
            "WHERE school_id = %s AND id = %s FOR UPDATE",
            (school_id, confirmation_id),
        )
        row = cursor.fetchone()
        if row is None:
            return Confirmation.UNKNOWN
        if row["confirmed_at"] is not None:
            return Confirmation.ALREADY_CONFIRMED
        if as_utc(row["expires_at"]) <= now:
            return Confirmation.EXPIRED
        cursor.execute(
            "UPDATE t_consent_confirmation SET confirmed_at = %s WHERE school_id = %s AND id = %s",
            (now, school_id, confirmation_id),
        )
        record_consent(
            cursor,
            school_id,
            ConsentChange(
                row["recipient"],
                Purpose(row["purpose"]),
                True,
                now,
                CONFIRMATION_LINK,
                f"confirmation {row['id']} (registration {row['registration_id']})",
            ),
            now,
            link.proof(confirmation_id=row["id"]),
        )
        return Confirmation.CONFIRMED


def _waiting_confirmation(
    cursor, school_id: int, change: ConsentChange, now: datetime
) -> int | None:
    cursor.execute(
        "SELECT id FROM t_consent_confirmation WHERE school_id = %s "
        "AND recipient = %s AND channel = %s AND purpose = %s "
        "AND confirmed_at IS NULL AND expires_at > %s ORDER BY id DESC LIMIT 1",
        (school_id, change.recipient, change.channel.value, change.purpose.value, now),
    )
    row = cursor.fetchone()
    return row["id"] if row else None


def _ask_owner(
    cursor,
    composer: Composer,
    school: School,
    change: ConsentChange,
    event: Event,
    now: datetime,
    valid_for: timedelta,
) -> int:
    cursor.execute(
        "INSERT INTO t_consent_confirmation (school_id, recipient, channel, purpose, "
        "registration_id, event_id, requested_at, expires_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (
            school.id,
            change.recipient,
            change.channel.value,
            change.purpose.value,
            change.registration_id,
            event.event_id,
            now,
            now + valid_for,
        ),
    )
    confirmation_id = cursor.lastrowid
    # Asked in the language of the form that asked for reminders again.
    language = choose_language(
        chosen=event.payload.get("language"), school_default=school.default_language
    )
    # Transactional: the one message an address that unsubscribed still gets about this, and
    # only because a form named it.
    logged = composer.compose(
        cursor,
        school,
        Draft(
            CONFIRMATION_TEMPLATE,
            Purpose.TRANSACTIONAL,
            change.recipient,
            {
                "registration_id": change.registration_id,
                **formatting.family_context(event.payload),
                "language": language,
                "confirmation_id": confirmation_id,
                "expires_on": family_locale(language).day((now + valid_for).date()),
            },
            registration_id=change.registration_id,
            dedupe_key=f"consent-confirmation:{confirmation_id}",
            event_id=event.event_id,
            event_type=event.event_type,
        ),
        now,
    )
    cursor.execute(
        "UPDATE t_consent_confirmation SET message_log_id = %s WHERE school_id = %s AND id = %s",
        (logged.id, school.id, confirmation_id),
    )
    return confirmation_id
