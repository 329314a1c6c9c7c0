"""The message log in MySQL (t_message_log): every message and what happened to it, written
in the caller's transaction, listed for the registrar's History tab, and stopped before it
goes. The rows still to send are also the sender's queue (send_queue_store).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

import pymysql

from shared.batched_purge import ExpiringRows

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

# What the retention purge may delete: settled messages (sent, failed for good, suppressed,
# duplicate, collapsed, cancelled), by when they last changed. Nothing sends, holds or retries
# them again; queued rows (a retry waiting too) and held rows (quiet hours) are still to go,
# and a claimed row is in a sender's or scheduler's hands. Consent history is another table.
SETTLED_MESSAGES = ExpiringRows(
    table="t_message_log",
    key=("id",),
    expired="status IN ('sent', 'failed', 'suppressed', 'duplicate', 'collapsed', 'cancelled') "
    "AND claim_token IS NULL AND updated_at < %s",
    age_column="updated_at",
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
            fit_error(entry.error),
            entry.next_attempt_at,
            entry.hold_until,
            entry.now,
            entry.now,
        ),
    )
    return cursor.lastrowid


# -- stopping what has not gone yet ------------------------------------------------------------


def cancel_unsent_reminders(cursor, reminder_ids: Sequence[int], reason: str, now: datetime) -> int:
    """Reminder messages still queued or held (not in a sender's hands) go no further."""
    if not reminder_ids:
        return 0
    return cursor.execute(
        "UPDATE t_message_log SET status = 'cancelled', error = %s, updated_at = %s "
        "WHERE reminder_id IN %s AND status IN ('queued', 'held') AND claim_token IS NULL",
        (fit_error(reason), now, list(reminder_ids)),
    )


def suppress_unsent(
    cursor, school_id: int, recipient: str, purposes: Sequence[str], reason: str, now: datetime
) -> int:
    """After an unsubscribe: the recipient's unsent messages of those purposes stay unsent."""
    return cursor.execute(
        "UPDATE t_message_log SET status = 'suppressed', error = %s, updated_at = %s "
        "WHERE school_id = %s AND recipient = %s AND status IN ('queued', 'held') "
        "AND purpose IN %s AND claim_token IS NULL",
        (fit_error(reason), now, school_id, recipient, list(purposes)),
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
    address_prefix: str | None = None,
) -> list[dict]:
    """The school's messages, newest first (the registrar's History tab, the messages page):
    of one registration, in one status, to addresses starting with `address_prefix`."""
    conditions, params = ["school_id = %s"], [school_id]
    if registration_id is not None:
        conditions.append("registration_id = %s")
        params.append(registration_id)
    if address_prefix:
        # A prefix keeps to the (school_id, recipient, status) index; `!` escapes the
        # wildcards a typed address may hold (an underscore is common in addresses).
        conditions.append("recipient LIKE %s ESCAPE '!'")
        params.append(_like_prefix(address_prefix))
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


def message_by_id(connection, school_id: int, message_id: int) -> dict | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_LISTED} FROM t_message_log WHERE id = %s AND school_id = %s",
            (message_id, school_id),
        )
        return cursor.fetchone()


def _like_prefix(text: str) -> str:
    return "".join(f"!{char}" if char in "!%_" else char for char in text) + "%"


def fit_error(text: str | None) -> str | None:
    """The error text cut to the width of t_message_log.error."""
    return None if text is None else text[:MAX_ERROR_LENGTH]
