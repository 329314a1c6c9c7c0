"""Rows of every table the retention purge reads, written straight into the session's
databases with the ages a test needs: inbox rows, messages in each status, consent history."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from tests.support.outbox import utcnow

INBOX_DATABASES = ("notifier", "kpi", "dashboard")


def insert_inbox_row(connection, handled_at: datetime, consumer: str = "retention-test") -> str:
    """An event recorded as handled at `handled_at`; returns its id."""
    event_id = str(uuid.uuid4())
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_event_inbox (consumer, event_id, event_type, handled_at) "
            "VALUES (%s, %s, %s, %s)",
            (consumer, event_id, "selfreg.submitted", handled_at),
        )
    return event_id


def inbox_event_ids(connection) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT event_id FROM t_event_inbox")
        return {record["event_id"] for record in cursor.fetchall()}


def insert_message(
    connection, status: str, updated_at: datetime, school_id: int = 1, **columns
) -> int:
    """A message in `status` that last changed at `updated_at` (written then, too); returns
    its id. `columns` sets any other column (claim_token, hold_until, next_attempt_at...)."""
    row = {
        "school_id": school_id,
        "template_key": "status_update",
        "purpose": "transactional",
        "recipient": f"family-{uuid.uuid4().hex[:8]}@families.example",
        "status": status,
        "created_at": updated_at,
        "updated_at": updated_at,
        **columns,
    }
    names = ", ".join(row)
    values = ", ".join(["%s"] * len(row))
    with connection.cursor() as cursor:
        # Column names from this function's keys and the test's own keywords, never input.
        cursor.execute(
            f"INSERT INTO t_message_log ({names}) VALUES ({values})", tuple(row.values())
        )
        return cursor.lastrowid


def message_ids(connection) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM t_message_log")
        return {record["id"] for record in cursor.fetchall()}


def insert_consent_decision(connection, decided_at: datetime, school_id: int = 1) -> int:
    """A consent decision in the append-only history, made at `decided_at`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_consent_history (school_id, recipient, channel, purpose, scope, "
            "granted, actor, via, outcome, decided_at, recorded_at) VALUES (%s, %s, 'email', "
            "'reminders', 'address', 0, 'link', 'unsubscribe_link', 'recorded', %s, %s)",
            (school_id, "family@families.example", decided_at, decided_at),
        )
        return cursor.lastrowid


def count_rows(connection, table: str) -> int:
    with connection.cursor() as cursor:
        # Table names from the tests' own constants, never input.
        cursor.execute(f"SELECT COUNT(*) AS n FROM {table}")
        return cursor.fetchone()["n"]


def days_ago(days: float) -> datetime:
    """Naive UTC, as the tables hold times."""
    return utcnow() - timedelta(days=days)
