"""Scheduled reminders in MySQL (t_reminder), claimed by several workers with one short
UPDATE ... LIMIT stamping a claim token: the scheduler's rounds are small and a second apart.
The sender, which claims all the time beside the consumer's inserts, reads the ids first and
claims by primary key instead (send_queue_store)."""

from __future__ import annotations

import json
from datetime import datetime

from notifier.domain.reminders import ReminderRequest, ReminderStop


def schedule_reminder(
    cursor,
    school_id: int,
    registration_id: int,
    request: ReminderRequest,
    source_event_id: str,
    now: datetime,
) -> None:
    cursor.execute(
        "INSERT INTO t_reminder (school_id, registration_id, kind, invoice_id, recipient, "
        "due_at, status, source_event_id, context, created_at, updated_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, 'scheduled', %s, %s, %s, %s) "
        "ON DUPLICATE KEY UPDATE id = id",
        (
            school_id,
            registration_id,
            request.kind.value,
            request.invoice_id,
            request.recipient,
            request.due_at,
            source_event_id,
            json.dumps(request.context, default=str),
            now,
            now,
        ),
    )


def stop_reminders(
    cursor, school_id: int, registration_id: int, stop: ReminderStop, event_id: str, now: datetime
) -> list[int]:
    """Cancel the registration's scheduled reminders that `stop` names; returns their ids
    (and those of reminders already fired, whose messages may still be waiting)."""
    kinds = [kind.value for kind in stop.kinds]
    conditions = "school_id = %s AND registration_id = %s AND kind IN %s"
    params: list = [school_id, registration_id, kinds]
    if stop.invoice_id is not None:
        conditions += " AND invoice_id = %s"
        params.append(stop.invoice_id)
    # Locks the rows: a scheduler firing one of them waits, then sees it cancelled.
    cursor.execute(
        f"SELECT id FROM t_reminder WHERE {conditions} AND status <> 'cancelled' FOR UPDATE", params
    )
    ids = [row["id"] for row in cursor.fetchall()]
    if ids:
        cursor.execute(
            "UPDATE t_reminder SET status = 'cancelled', cancelled_by_event_id = %s, "
            "updated_at = %s, claim_token = NULL "
            "WHERE id IN %s AND status = 'scheduled'",
            (event_id, now, ids),
        )
    return ids


def claim_due(connection, token: str, now: datetime, limit: int, claim_seconds: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM t_reminder WHERE status = 'scheduled' AND due_at <= %s LIMIT 1", (now,)
        )
        if cursor.fetchone() is None:
            return []
        claimed = cursor.execute(
            "UPDATE t_reminder SET claim_token = %s, claimed_at = UTC_TIMESTAMP(6) "
            "WHERE status = 'scheduled' AND due_at <= %s "
            "AND (claim_token IS NULL OR claimed_at < UTC_TIMESTAMP(6) - INTERVAL %s SECOND) "
            "ORDER BY due_at, id LIMIT %s",
            (token, now, claim_seconds, limit),
        )
        if not claimed:
            return []
        cursor.execute("SELECT id FROM t_reminder WHERE claim_token = %s ORDER BY id", (token,))
        return [row["id"] for row in cursor.fetchall()]


def lock_claimed(cursor, reminder_id: int, token: str) -> dict | None:
    """The reminder, locked, if it is still scheduled and still ours."""
    cursor.execute(
        "SELECT id, school_id, registration_id, kind, invoice_id, recipient, "
        "due_at, context FROM t_reminder WHERE id = %s AND claim_token = %s "
        "AND status = 'scheduled' FOR UPDATE",
        (reminder_id, token),
    )
    row = cursor.fetchone()
    if row is not None:
        row["context"] = json.loads(row["context"])
    return row


def mark_fired(cursor, reminder_id: int, message_log_id: int, now: datetime) -> None:
    cursor.execute(
        "UPDATE t_reminder SET status = 'done', message_log_id = %s, "
        "claim_token = NULL, updated_at = %s WHERE id = %s",
        (message_log_id, now, reminder_id),
    )
