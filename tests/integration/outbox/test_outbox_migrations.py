"""Registrar migration 0015 (held and skipped outbox rows): it rolls back, and applying it
again keeps the rows already in the outbox, none of them held."""

from __future__ import annotations

import pytest

from shared import db, migrations
from tests.support.migrations import migrated_up_to_before

REGISTRAR = ("registrar",)


@pytest.fixture
def registrar_before_held_events(settings):
    with migrated_up_to_before(settings, "registrar", "0015_outbox_held_events") as own:
        yield own


def _columns(cursor) -> set[str]:
    cursor.execute(
        "SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't_event_outbox'"
    )
    return {record["name"] for record in cursor.fetchall()}


def test_0015_keeps_the_outbox_rows_and_holds_none_of_them(registrar_before_held_events):
    connection = db.connect(registrar_before_held_events, "registrar")
    try:
        with connection.cursor() as cursor:
            assert not {"held_at", "skipped_at"} & _columns(cursor)
            cursor.execute(
                "INSERT INTO t_event_outbox (event_id, event_type, school_id, aggregate_id, "
                "payload, dead_at) VALUES "
                "('00000000-0000-4000-8000-000000000001', 'selfreg.submitted', 1, 7, '{}', "
                "UTC_TIMESTAMP(6)), "
                "('00000000-0000-4000-8000-000000000002', 'selfreg.submitted', 1, 7, '{}', NULL)"
            )

        migrations.apply_all(registrar_before_held_events, REGISTRAR)

        with connection.cursor() as cursor:
            assert {"held_at", "skipped_at"} <= _columns(cursor)
            cursor.execute(
                "SELECT event_id, dead_at IS NOT NULL AS dead, held_at, skipped_at "
                "FROM t_event_outbox ORDER BY id"
            )
            rows = [tuple(record.values()) for record in cursor.fetchall()]
    finally:
        connection.close()
    assert rows == [
        ("00000000-0000-4000-8000-000000000001", 1, None, None),
        ("00000000-0000-4000-8000-000000000002", 0, None, None),
    ]
