"""The sender's queue in MySQL: the rows of t_message_log in status 'queued' (and 'held',
kept back through quiet hours), claimed and settled.

A sender claims a batch by reading the due rows' ids and stamping a claim token on those
still free with one UPDATE by primary key (no SKIP LOCKED: MySQL 5.7 has none), reads the rows
back by token, and settles them with statements that name the token (the sent ones of a batch
in one), so a sender whose claim was taken over after it expired cannot settle rows it no
longer holds. The messages are written by message_log_store.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Sequence

from notifier.adapters.message_log_store import fit_error

_OUTGOING = (
    "id, school_id, registration_id, recipient, from_name, subject, body_text, "
    "body_html, message_id, attempts, purpose, template_key"
)


# -- the sender's side (autocommit statements) ---------------------------------------------


# Reads of candidates per claim when other senders took them first: each read after the first
# sees their claims (committed, autocommit) and offers the rows after them.
CLAIM_TRIES = 3
_CLAIMABLE = (
    "status = 'queued' AND next_attempt_at <= %s "
    "AND (claim_token IS NULL OR claimed_at < UTC_TIMESTAMP(6) - INTERVAL %s SECOND)"
)


def claim_queued(
    connection, token: str, now: datetime, limit: int, claim_seconds: int
) -> list[dict]:
    """Claim up to `limit` queued messages that are due; returns them, oldest first.

    A plain read names the candidates (no locks: the consumer writing new messages into the
    queue index is never blocked, nor blocks a claim), and an UPDATE by primary key claims
    those that are still claimable. The UPDATE reads the rows' latest state under their row
    locks, so of two senders that read the same candidates one claims them and the other
    finds them taken and reads again: no message is claimed by two senders. Locking rows by
    primary key only, in key order, the claim cannot deadlock with another sender's claim or
    settle (a range UPDATE ... ORDER BY ... LIMIT on the queue index did, with two workers).
    """
    with connection.cursor() as cursor:
        for _try in range(CLAIM_TRIES):
            cursor.execute(
                f"SELECT id FROM t_message_log WHERE {_CLAIMABLE} "
                "ORDER BY next_attempt_at, id LIMIT %s",
                (now, claim_seconds, limit),
            )
            candidates = sorted(row["id"] for row in cursor.fetchall())
            if not candidates:
                return []  # the common idle case: a read, no row locks
            claimed = cursor.execute(
                "UPDATE t_message_log SET claim_token = %s, claimed_at = UTC_TIMESTAMP(6), "
                f"attempts = attempts + 1 WHERE id IN %s AND {_CLAIMABLE}",
                (token, candidates, now, claim_seconds),
            )
            if claimed:
                break
        else:
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
            (fit_error(error), retry_at, now, message_id, token),
        )


def mark_failed(connection, message_id: int, token: str, error: str, now: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE t_message_log SET status = 'failed', error = %s, updated_at = %s, "
            "claim_token = NULL, next_attempt_at = NULL WHERE id = %s AND claim_token = %s",
            (fit_error(error), now, message_id, token),
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
        (status, fit_error(error), collapsed_into, now, message_id, token),
    )


# -- sending a failed message again (the admin's Resend) ---------------------------------------


def lock_message(cursor, school_id: int, message_id: int) -> dict | None:
    """The school's message, locked until the transaction ends; None when it has none such."""
    cursor.execute(
        "SELECT id, school_id, registration_id, recipient, purpose, status, subject, "
        "body_text, message_id, claim_token FROM t_message_log "
        "WHERE id = %s AND school_id = %s FOR UPDATE",
        (message_id, school_id),
    )
    return cursor.fetchone()


def queue_again(
    cursor, message_id: int, now: datetime, *, hold_until: datetime | None, note: str
) -> None:
    """Back in the sender's queue (or held until `hold_until`), its attempts counted anew:
    the same row, Message-ID and bodies, as the sender's own retries send it."""
    cursor.execute(
        "UPDATE t_message_log SET status = %s, attempts = 0, error = %s, "
        "next_attempt_at = %s, hold_until = %s, claim_token = NULL, updated_at = %s "
        "WHERE id = %s",
        (
            "held" if hold_until is not None else "queued",
            fit_error(note),
            None if hold_until is not None else now,
            hold_until,
            now,
            message_id,
        ),
    )


def suppress_again(cursor, message_id: int, reason: str, now: datetime) -> None:
    cursor.execute(
        "UPDATE t_message_log SET status = 'suppressed', error = %s, updated_at = %s WHERE id = %s",
        (fit_error(reason), now, message_id),
    )
