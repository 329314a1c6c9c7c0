"""0005 gives the message log the index the retention purge walks, and takes it back."""

from __future__ import annotations

from shared import db, migrations
from tests.support.migrations import migrated_up_to_before

MIGRATION = "0005_message_log_retention"


def message_log_indexes(settings) -> set[str]:
    connection = db.connect(settings, "notifier")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW INDEX FROM t_message_log")
            return {record["Key_name"] for record in cursor.fetchall()}
    finally:
        connection.close()


def test_the_migration_adds_the_index_and_its_rollback_drops_it(settings):
    with migrated_up_to_before(settings, "notifier", MIGRATION) as own:
        assert "ix_message_log_updated" not in message_log_indexes(own)

        migrations.apply_all(own, ("notifier",))

        assert "ix_message_log_updated" in message_log_indexes(own)
