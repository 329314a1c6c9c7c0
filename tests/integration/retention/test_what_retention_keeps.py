"""Each service's purge on the real MariaDB: which rows of its table go and which stay,
however old, and how the batches walk the table."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from notifier.adapters.message_log_store import SETTLED_MESSAGES
from notifier.service_layer.message_retention import purge_settled_messages
from outbox_relay.adapters.outbox_status_store import PUBLISHED
from outbox_relay.service_layer.outbox_commands import purge_published
from shared import db
from shared.event_inbox import HANDLED_EVENTS, purge_inbox, record_in_inbox
from shared.events import Event
from shared.retention import cutoff
from tests.support.outbox import insert_outbox_rows, outbox_row, stored_event
from tests.support.processes import run_edquill
from tests.support.retention import (
    count_rows,
    days_ago,
    inbox_event_ids,
    insert_consent_decision,
    insert_inbox_row,
    insert_message,
    message_ids,
)

BATCH = 1000


def days_before_now(days: int) -> datetime:
    return cutoff(datetime.now(timezone.utc), days)


# -- the outbox ------------------------------------------------------------------------------


def test_only_published_outbox_rows_go_however_old_the_others_are(clean_outbox):
    old = days_ago(30)
    kept = insert_outbox_rows(
        clean_outbox,
        [
            outbox_row(1, created_at=old),
            outbox_row(2, created_at=old, claimed_by="relay-a", claim_token="a" * 32),
            outbox_row(3, created_at=old, attempts=8, last_error="unroutable", dead_at=old),
            outbox_row(3, created_at=old, held_at=old),
            outbox_row(
                4,
                created_at=old,
                dead_at=old,
                last_error="unroutable",
                processed_at=old,
                skipped_at=old,
            ),
            outbox_row(5, created_at=old, processed_at=days_ago(1)),
        ],
    )
    [published] = insert_outbox_rows(clean_outbox, [outbox_row(6, processed_at=old)])

    assert purge_published(clean_outbox, days_before_now(14), BATCH) == 1

    assert stored_event(clean_outbox, published) is None
    assert all(stored_event(clean_outbox, event_id) is not None for event_id in kept)


def test_a_dry_run_counts_the_published_rows_and_deletes_none(clean_outbox):
    insert_outbox_rows(clean_outbox, [outbox_row(n, processed_at=days_ago(20)) for n in (1, 2)])

    assert purge_published(clean_outbox, days_before_now(14), BATCH, dry_run=True) == 2
    assert count_rows(clean_outbox, "t_event_outbox") == 2


def test_a_batch_of_two_deletes_five_rows_in_three_statements(settings, clean_outbox):
    insert_outbox_rows(clean_outbox, [outbox_row(n, processed_at=days_ago(20)) for n in range(5)])
    connection = db.connect(settings, "registrar")
    try:
        assert purge_published(connection, days_before_now(14), batch_size=2) == 5
        deletes = session_deletes(connection)
    finally:
        connection.close()

    assert deletes == 3  # 2 + 2 + 1, each its own commit
    assert count_rows(clean_outbox, "t_event_outbox") == 0


def session_deletes(connection) -> int:
    """DELETE statements this connection has run (the server's own count)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW SESSION STATUS LIKE 'Com_delete'")
        return int(cursor.fetchone()["Value"])


# -- the inbox -------------------------------------------------------------------------------


def test_inbox_rows_older_than_the_cutoff_go(consumer_dbs):
    connection = consumer_dbs["dashboard"]
    old = insert_inbox_row(connection, days_ago(31))
    recent = insert_inbox_row(connection, days_ago(29))

    assert purge_inbox(connection, days_before_now(30), BATCH) == 1
    assert inbox_event_ids(connection) == {recent} and old not in inbox_event_ids(connection)


def test_a_recent_event_delivered_again_after_a_purge_is_still_a_redelivery(consumer_dbs):
    connection = consumer_dbs["kpi"]
    recent = insert_inbox_row(connection, days_ago(1), consumer="kpi")
    purged = insert_inbox_row(connection, days_ago(31), consumer="kpi")
    purge_inbox(connection, days_before_now(30), BATCH)

    with connection.cursor() as cursor:
        assert record_in_inbox(cursor, "kpi", event_with_id(recent)) is False
        # Past the inbox's retention an event is new again: why the log outlives the inbox.
        assert record_in_inbox(cursor, "kpi", event_with_id(purged)) is True


def event_with_id(event_id: str) -> Event:
    event = Event.new("selfreg.submitted", 1, 1, {"registration_id": 1, "status": "pending"})
    return replace(event, event_id=event_id)


# -- the notifier's message log ---------------------------------------------------------------

SETTLED = ("sent", "failed", "suppressed", "duplicate", "collapsed", "cancelled")


def test_every_settled_status_goes_once_older_than_the_cutoff(notifier_db):
    for status in SETTLED:
        insert_message(notifier_db, status, days_ago(401))
    recent = insert_message(notifier_db, "sent", days_ago(399))

    assert purge_settled_messages(notifier_db, days_before_now(400), BATCH) == len(SETTLED)
    assert message_ids(notifier_db) == {recent}


def test_messages_still_to_go_stay_however_old(notifier_db):
    old = days_ago(800)
    kept = {
        insert_message(notifier_db, "queued", old, next_attempt_at=old),
        # a retry waiting for its time
        insert_message(notifier_db, "queued", old, attempts=3, next_attempt_at=days_ago(-1)),
        # held through quiet hours
        insert_message(notifier_db, "held", old, hold_until=days_ago(-0.5)),
        # in a sender's hands
        insert_message(notifier_db, "sent", old, claim_token="c" * 32, claimed_at=old),
    }

    assert purge_settled_messages(notifier_db, days_before_now(400), BATCH) == 0
    assert message_ids(notifier_db) == kept


def test_the_purge_of_every_table_leaves_consent_history_alone(settings, notifier_db):
    decision = insert_consent_decision(notifier_db, days_ago(2000))
    insert_message(notifier_db, "sent", days_ago(2000))

    result = run_edquill(settings, "retention", "purge")

    assert result.returncode == 0, result.stderr
    assert count_rows(notifier_db, "t_message_log") == 0
    with notifier_db.cursor() as cursor:
        cursor.execute("SELECT id FROM t_consent_history")
        assert [record["id"] for record in cursor.fetchall()] == [decision]


# -- every purge walks an index ----------------------------------------------------------------


@pytest.mark.parametrize(
    "service, rows, index",
    [
        ("registrar", PUBLISHED, "ix_outbox_processed"),
        ("notifier", HANDLED_EVENTS, "ix_inbox_handled"),
        ("notifier", SETTLED_MESSAGES, "ix_message_log_updated"),
    ],
    ids=["outbox", "inbox", "message log"],
)
def test_each_purge_reads_its_rows_down_its_time_index(settings, service, rows, index):
    connection = db.connect(settings, service)
    try:
        with connection.cursor() as cursor:
            # The batch's read, as shared.batched_purge writes it (fixed SQL from the code).
            cursor.execute(
                f"EXPLAIN SELECT {', '.join(rows.key)} FROM {rows.table} WHERE {rows.expired} "
                f"ORDER BY {rows.age_column} LIMIT %s",
                (days_before_now(30), BATCH),
            )
            plan = cursor.fetchone()
    finally:
        connection.close()

    assert plan["key"] == index, plan
    assert "filesort" not in (plan["Extra"] or ""), plan
