"""Enqueueing events into t_event_outbox, inside the caller's transaction.

Everything in the registrar that emits an event (rather than a trigger emitting it) goes
through `enqueue`, with the cursor of the transaction that makes the change, so the change and
its event commit or roll back together. The outbox relay publishes the rows afterwards.

A row is dated by the session's clock (UTC_TIMESTAMP), as the triggers date theirs: the event
and the change it announces then carry one time, also when that clock is moved
(shared.db.session_clock, as the demo history does).
"""

from __future__ import annotations

import json

from registrar.adapters.json_values import json_value
from shared.events import Event


def enqueue(cursor, event: Event) -> None:
    """Write one validated event; its aggregate decides its partition, and so its order.

    The payload gains the school's snapshot (as the triggers add it), so consumers never meet
    a school they cannot place. Dates, times and moments in it are written here, in the
    forms of json_values.
    """
    event.validate()
    payload = {**event.payload, "school": _school_snapshot(cursor, event.school_id)}
    cursor.execute(
        "INSERT INTO t_event_outbox (event_id, event_type, school_id, aggregate_type, "
        "aggregate_id, payload, created_at) VALUES (%s, %s, %s, %s, %s, %s, UTC_TIMESTAMP(6))",
        (
            event.event_id,
            event.event_type,
            event.school_id,
            event.aggregate_type,
            event.aggregate_id,
            json.dumps(payload, default=json_value),
        ),
    )


def _school_snapshot(cursor, school_id: int) -> dict | None:
    cursor.execute("SELECT name, slug, timezone, currency FROM schools WHERE id = %s", (school_id,))
    return cursor.fetchone()


def last_event_id(connection) -> int:
    """The newest outbox row's id (0 when empty): rows enqueued later have greater ids."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) AS last_id FROM t_event_outbox")
        return int(cursor.fetchone()["last_id"])


def registration_event(
    connection, school_id: int, registration_id: int, event_type: str, *, after_id: int
) -> dict | None:
    """The registration's first outbox row of `event_type` after row `after_id` (event_id,
    created_at, processed_at), or None. Searched from `after_id` on, along the primary key:
    the outbox has no index by registration."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_id, created_at, processed_at FROM t_event_outbox "
            "WHERE id > %s AND school_id = %s AND aggregate_type = 'self_registration' "
            "AND aggregate_id = %s AND event_type = %s ORDER BY id LIMIT 1",
            (after_id, school_id, registration_id, event_type),
        )
        return cursor.fetchone()
