"""Folding a batch (service_layer.fold_batch, a few statements for the whole batch) leaves the
dashboard's tables as folding the same events one by one does, on the session's MariaDB:
registrations seen in any order and more than once in a batch, moves on a school's local
days, invoices, several schools in one batch."""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta, timezone

import pytest

from dashboard.service_layer.fold import fold_event
from dashboard.service_layer.fold_batch import fold_batch
from shared.db import transaction
from shared.events import Event
from tests.support.dashboard import (
    converted,
    invoice_issued,
    invoice_paid,
    status_changed,
    submitted,
)

START = datetime(2026, 3, 1, 22, 30, tzinfo=timezone.utc)  # late evening: days differ by zone
INVOICE_DUE_DAYS = 14
ZONE = "America/Chicago"
# (table, the columns compared besides school_id)
TABLES = {
    "t_dashboard_registration": "registration_id, status, status_since, status_event_at, "
    "student_name, name_event_at, submitted_at",
    "t_dashboard_status_daily": "status, day, net_change",
    "t_dashboard_status_total": "status, registrations",
    "t_dashboard_invoice": "invoice_id, registration_id, number, amount_minor, issued_at, "
    "due_at, paid_at",
    "t_dashboard_school": "timezone, changed_at",
}


def history(school_id: int, rng: random.Random) -> list[Event]:
    """A school's events, shuffled within reach of each other so late and early ones mix."""
    s, events = school_id, []
    for registration in range(1, 13):
        at = START + timedelta(hours=registration * 3)
        events.append(submitted(s, registration, at))
        events.append(
            status_changed(s, registration, "pending", "in_review", at + timedelta(hours=2))
        )
        if registration % 3 == 0:
            events.append(
                status_changed(s, registration, "in_review", "rejected", at + timedelta(days=1))
            )
        elif registration % 3 == 1:
            events.append(
                status_changed(s, registration, "in_review", "approved", at + timedelta(days=1))
            )
            events.append(
                invoice_issued(s, registration, 100 + registration, at + timedelta(days=1))
            )
            events.append(invoice_paid(s, registration, 100 + registration, at + timedelta(days=2)))
            events.append(
                status_changed(s, registration, "approved", "converted", at + timedelta(days=3))
            )
            events.append(converted(s, registration, at + timedelta(days=3)))
    for index in range(len(events) - 1):  # neighbours swap: some events come in late
        if rng.random() < 0.3:
            events[index], events[index + 1] = events[index + 1], events[index]
    # Every event carries the school as it is: one name, one zone (a zone changing within a
    # batch is counted on the newer zone's days, fold_batch says so).
    return [with_school(event, school_id) for event in events]


def with_school(event: Event, school_id: int) -> Event:
    payload = {**event.payload}
    if "school" in payload:
        payload["school"] = {**payload["school"], "name": "A school", "timezone": ZONE}
    return Event(
        event.event_id,
        event.event_type,
        school_id,
        event.aggregate_type,
        event.aggregate_id,
        event.occurred_at,
        payload,
    )


def rows(connection, school_id: int) -> dict[str, list[tuple]]:
    seen = {}
    with connection.cursor() as cursor:
        for table, columns in TABLES.items():
            cursor.execute(
                f"SELECT {columns} FROM {table} WHERE school_id = %s ORDER BY {columns}",
                (school_id,),
            )
            seen[table] = [tuple(row.values()) for row in cursor.fetchall()]
    return seen


@pytest.mark.parametrize("batch_size", [1, 7, 50])
def test_a_batch_leaves_the_tables_as_one_event_at_a_time_does(dashboard_db, batch_size):
    one_by_one, batched, neighbour = (900_000 + secrets.randbelow(10**8) for _ in range(3))
    script = history(one_by_one, random.Random(batch_size))
    theirs = history(neighbour, random.Random(batch_size + 1))
    for event in script:
        with transaction(dashboard_db) as cursor:
            fold_event(cursor, event, INVOICE_DUE_DAYS)
    # The same script for another school, mixed with a third school's events, in batches.
    mine = [with_school(event, batched) for event in script]
    mixed = [event for pair in zip(mine, theirs) for event in pair]
    for start in range(0, len(mixed), batch_size):
        with transaction(dashboard_db) as cursor:
            fold_batch(cursor, mixed[start : start + batch_size], INVOICE_DUE_DAYS)

    expected = rows(dashboard_db, one_by_one)
    assert expected["t_dashboard_status_daily"] and expected["t_dashboard_invoice"]
    assert rows(dashboard_db, batched) == expected
