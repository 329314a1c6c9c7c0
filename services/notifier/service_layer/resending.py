"""An admin's Resend of a failed message: the same row goes back into the sender's queue, with
its Message-ID and bodies, through the checks any message passes: consent as it stands now
(an address that has since said no stays unwritten to: suppressed), and for a reminder the
school's quiet hours (held until they end). Only a failed message that was written (it has
its bodies) can go again; one that failed before it was written has nothing to send."""

from __future__ import annotations

from datetime import datetime

from notifier.adapters import message_log_store, school_store, send_queue_store
from notifier.adapters.consent_store import decision_for
from notifier.domain.consent import Purpose
from notifier.domain.preferences import SchoolPreferences
from notifier.domain.quiet_hours import quiet_until
from shared import db
from shared.errors import Conflict, NotFound


class NotResendable(Conflict):
    """The message is not a failed one that was written (409)."""

    code = "not_failed"


def resend(
    connection, school_id: int, message_id: int, now: datetime, defaults: SchoolPreferences
) -> str:
    """Queue (or hold, or suppress) the failed message again; returns its status now."""
    with db.transaction(connection) as cursor:
        message = send_queue_store.lock_message(cursor, school_id, message_id)
        if message is None:
            raise NotFound(f"message {message_id}")
        _refuse_unless_resendable(message)
        purpose = Purpose(message["purpose"])
        decision = decision_for(
            cursor, school_id, message["recipient"], purpose, message["registration_id"]
        )
        if not decision.send:
            send_queue_store.suppress_again(cursor, message_id, decision.reason, now)
            return message_log_store.SUPPRESSED
        hold_until = _held_until(cursor, school_id, purpose, now, defaults)
        send_queue_store.queue_again(
            cursor, message_id, now, hold_until=hold_until, note="sent again at an admin's request"
        )
    return message_log_store.HELD if hold_until else message_log_store.QUEUED


def _refuse_unless_resendable(message: dict) -> None:
    if message["status"] != message_log_store.FAILED:
        raise NotResendable(
            f"message {message['id']} is {message['status']}, not failed: only a failed "
            "message is sent again"
        )
    if message["subject"] is None or message["message_id"] is None:
        raise NotResendable(
            f"message {message['id']} failed before it was written (no address, or its "
            "template did not render): there is nothing to send again",
            code="not_resendable",
        )


def _held_until(
    cursor, school_id: int, purpose: Purpose, now: datetime, defaults: SchoolPreferences
) -> datetime | None:
    """Reminders wait out the school's quiet hours, as when they first fell due; other mail
    goes at once, as it always does."""
    if purpose is not Purpose.REMINDERS:
        return None
    school = school_store.require_school(cursor, school_id, defaults)
    until = quiet_until(now, school.preferences.quiet_hours, school.zone)
    return until if until > now else None
