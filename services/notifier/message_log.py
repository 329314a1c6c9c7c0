"""The message log in MySQL (t_message_log): every message and what happened to it.

Rows in status 'queued' are also the sender's queue. A sender claims a batch with one short
UPDATE ... LIMIT that stamps a claim token (no SKIP LOCKED: MySQL 5.7 has none), reads the
rows back by token, and settles each with a statement that names the token, so a sender whose
claim was taken over after it expired cannot settle rows it no longer holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

import pymysql

# MySQL's duplicate-key error.
DUPLICATE_KEY = 1062
# Longest error text kept (the column holds 1000).
MAX_ERROR_LENGTH = 1000
# t_message_log's widths for the recipient (the longest address SMTP allows) and the sender's
# display name: a longer value is cut to fit.
RECIPIENT_LENGTH = 254
FROM_NAME_LENGTH = 200

QUEUED, HELD, SENT, FAILED = "queued", "held", "sent", "failed"
SUPPRESSED, DUPLICATE, COLLAPSED, CANCELLED = "suppressed", "duplicate", "collapsed", "cancelled"

_OUTGOING = (
    "id, school_id, registration_id, recipient, from_name, subject, body_text, "
    "body_html, message_id, attempts, purpose, template_key"
)


@dataclass(frozen=True)
class LogEntry:
    school_id: int
    template_key: str
    purpose: str
    recipient: str
    status: str
    now: datetime
    registration_id: int | None = None
    event_id: str | None = None
    event_type: str | None = None
    reminder_id: int | None = None
    template_origin: str | None = None
    dedupe_key: str | None = None
    message_id: str | None = None
    from_name: str | None = None
    subject: str | None = None
    body_text: str | None = None
    body_html: str | None = None
    context: dict | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None
    hold_until: datetime | None = None


@dataclass(frozen=True)
class Logged:
    id: int
    status: str
    duplicate_of: int | None = None


def insert_message(cursor, entry: LogEntry) -> Logged:
    """Write the row; when its dedupe key was used before, a 'duplicate' row instead."""
    try:
        return Logged(_insert(cursor, entry), entry.status)
    except pymysql.err.IntegrityError as exc:
        if exc.args[0] != DUPLICATE_KEY or entry.dedupe_key is None:
            raise
    # Only the statement failed; the transaction goes on (InnoDB rolls back a statement).
    cursor.execute(
        "SELECT id FROM t_message_log WHERE school_id = %s AND dedupe_key = %s",
        (entry.school_id, entry.dedupe_key),
    )
    original = cursor.fetchone()["id"]
    duplicate = LogEntry(
        school_id=entry.school_id,
        template_key=entry.template_key,
        purpose=entry.purpose,
        recipient=entry.recipient,
        status=DUPLICATE,
        now=entry.now,
        registration_id=entry.registration_id,
        event_id=entry.event_id,
        event_type=entry.event_type,
        reminder_id=entry.reminder_id,
        error=f"already handled as message {original} ({entry.dedupe_key})",
    )
    row_id = _insert(cursor, duplicate, duplicate_of=original)
    return Logged(row_id, DUPLICATE, original)


def _insert(cursor, entry: LogEntry, duplicate_of: int | None = None) -> int:
    cursor.execute(
        "INSERT INTO t_message_log (school_id, registration_id, event_id, event_type, "
        "reminder_id, template_key, template_origin, purpose, recipient, status, dedupe_key, "
        "duplicate_of, message_id, from_name, subject, body_text, body_html, context, error, "
        "next_attempt_at, hold_until, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, "
        "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            entry.school_id,
            entry.registration_id,
            entry.event_id,
            entry.event_type,
            entry.reminder_id,
            entry.template_key,
            entry.template_origin,
            entry.purpose,
            entry.recipient[:RECIPIENT_LENGTH],
            entry.status,
            entry.dedupe_key,
            duplicate_of,
            entry.message_id,
            (entry.from_name or "")[:FROM_NAME_LENGTH] or None,
            entry.subject,
            entry.body_text,
            entry.body_html,
            json.dumps(entry.context, default=str) if entry.context is not None else None,
            _error(entry.error),
            entry.next_attempt_at,
            entry.hold_until,
            entry.now,
            entry.now,
        ),
    )
    return cursor.lastrowid


# -- the sender's side (autocommit statements) ---------------------------------------------


def claim_queued(
    connection, token: str, now: datetime, limit: int, claim_seconds: int
) -> list[dict]:
    """Claim up to `limit` queued messages that are due; returns them, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM t_message_log WHERE status = 'queued' AND next_attempt_at <= %s LIMIT 1",
            (now,),
        )
        if cursor.fetchone() is None:
            return []  # the common idle case: a read, no row locks
        claimed = cursor.execute(
            "UPDATE t_message_log SET claim_token = %s, claimed_at = UTC_TIMESTAMP(6), "
            "attempts = attempts + 1 WHERE status = 'queued' AND next_attempt_at <= %s "
            "AND (claim_token IS NULL OR claimed_at < UTC_TIMESTAMP(6) - INTERVAL %s SECOND) "
            "ORDER BY next_attempt_at, id LIMIT %s",
            (token, now, claim_seconds, limit),
        )
        if not claimed:
            return []
        cursor.execute(
            f"SELECT {_OUTGOING} FROM t_message_log WHERE claim_token = %s "
            "AND status = 'queued' ORDER BY id",
            (token,),
        )
        return list(cursor.fetchall())


def mark_sent(connection, ids: Sequence[int], token: str, now: datetime) -> int:
    if not ids:
        return 0
    with connection.cursor() as cursor:
        return cursor.execute(
            "UPDATE t_message_log SET status = 'sent', sent_at = %s, updated_at = %s, "
            "error = NULL, claim_token = NULL, next_attempt_at = NULL "
            "WHERE id IN %s AND claim_token = %s",
            (now, now, list(ids), token),
        )


def mark_retry(
    connection, message_id: int, token: str, error: str, retry_at: datetime, now: datetime
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE t_message_log SET error = %s, next_attempt_at = %s, updated_at = %s, "
            "claim_token = NULL WHERE id = %s AND claim_token = %s",
            (_error(error), retry_at, now, message_id, token),
        )


def mark_failed(connection, message_id: int, token: str, error: str, now: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE t_message_log SET status = 'failed', error = %s, updated_at = %s, "
            "claim_token = NULL, next_attempt_at = NULL WHERE id = %s AND claim_token = %s",
            (_error(error), now, message_id, token),
        )


def release_untried(connection, ids: Sequence[int], token: str) -> None:
    """Give back claimed messages that were not tried (their attempt is not counted)."""
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE t_message_log SET claim_token = NULL, attempts = attempts - 1 "
            "WHERE id IN %s AND claim_token = %s AND attempts > 0",
            (list(ids), token),
        )


# -- held messages (quiet hours) -------------------------------------------------------------


def claim_held(connection, token: str, now: datetime, limit: int, claim_seconds: int) -> list[dict]:
    """Claim held messages whose window has opened, grouped by family (school, recipient)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM t_message_log WHERE status = 'held' AND hold_until <= %s LIMIT 1", (now,)
        )
        if cursor.fetchone() is None:
            return []
        claimed = cursor.execute(
            "UPDATE t_message_log SET claim_token = %s, claimed_at = UTC_TIMESTAMP(6) "
            "WHERE status = 'held' AND hold_until <= %s "
            "AND (claim_token IS NULL OR claimed_at < UTC_TIMESTAMP(6) - INTERVAL %s SECOND) "
            "ORDER BY school_id, recipient, id LIMIT %s",
            (token, now, claim_seconds, limit),
        )
        if not claimed:
            return []
        cursor.execute(
            "SELECT id, school_id, registration_id, recipient, template_key, "
            "purpose, context, from_name, reminder_id FROM t_message_log "
            "WHERE claim_token = %s AND status = 'held' ORDER BY id",
            (token,),
        )
        rows = list(cursor.fetchall())
    for row in rows:
        row["context"] = json.loads(row["context"]) if row["context"] else {}
    return rows


def queue_held(cursor, message_id: int, token: str, now: datetime) -> None:
    cursor.execute(
        "UPDATE t_message_log SET status = 'queued', next_attempt_at = %s, "
        "updated_at = %s, claim_token = NULL WHERE id = %s AND claim_token = %s",
        (now, now, message_id, token),
    )


def settle_held(
    cursor,
    message_id: int,
    token: str,
    status: str,
    now: datetime,
    *,
    error: str | None = None,
    collapsed_into: int | None = None,
) -> None:
    cursor.execute(
        "UPDATE t_message_log SET status = %s, error = %s, collapsed_into = %s, "
        "updated_at = %s, claim_token = NULL WHERE id = %s AND claim_token = %s",
        (status, _error(error), collapsed_into, now, message_id, token),
    )


# -- stopping what has not gone yet ------------------------------------------------------------


def cancel_unsent_reminders(cursor, reminder_ids: Sequence[int], reason: str, now: datetime) -> int:
    """Reminder messages still queued or held (not in a sender's hands) go no further."""
    if not reminder_ids:
        return 0
    return cursor.execute(
        "UPDATE t_message_log SET status = 'cancelled', error = %s, updated_at = %s "
        "WHERE reminder_id IN %s AND status IN ('queued', 'held') AND claim_token IS NULL",
        (_error(reason), now, list(reminder_ids)),
    )


def suppress_unsent(
    cursor, school_id: int, recipient: str, purposes: Sequence[str], reason: str, now: datetime
) -> int:
    """After an unsubscribe: the recipient's unsent messages of those purposes stay unsent."""
    return cursor.execute(
        "UPDATE t_message_log SET status = 'suppressed', error = %s, updated_at = %s "
        "WHERE school_id = %s AND recipient = %s AND status IN ('queued', 'held') "
        "AND purpose IN %s AND claim_token IS NULL",
        (_error(reason), now, school_id, recipient, list(purposes)),
    )


# -- reading ----------------------------------------------------------------------------------

_LISTED = (
    "id, registration_id, event_id, event_type, reminder_id, template_key, "
    "template_origin, channel, purpose, recipient, status, subject, error, attempts, "
    "duplicate_of, collapsed_into, message_id, hold_until, next_attempt_at, created_at, "
    "updated_at, sent_at"
)


def list_messages(
    connection,
    school_id: int,
    *,
    registration_id: int | None,
    status: str | None,
    before_id: int | None,
    limit: int,
) -> list[dict]:
    """The school's messages, newest first (the registrar's History tab)."""
    conditions, params = ["school_id = %s"], [school_id]
    if registration_id is not None:
        conditions.append("registration_id = %s")
        params.append(registration_id)
    if status is not None:
        conditions.append("status = %s")
        params.append(status)
    if before_id is not None:
        conditions.append("id < %s")
        params.append(before_id)
    # The conditions are fixed strings from above; every value is a bound parameter.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_LISTED} FROM t_message_log WHERE {' AND '.join(conditions)} "
            "ORDER BY id DESC LIMIT %s",
            (*params, limit),
        )
        return list(cursor.fetchall())


def _error(text: str | None) -> str | None:
    return None if text is None else text[:MAX_ERROR_LENGTH]
