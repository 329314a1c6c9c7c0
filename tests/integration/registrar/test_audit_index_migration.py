"""0018 gives the audit trail the indexes its keyset pages walk, and takes them back."""

from __future__ import annotations

from shared import db, migrations
from tests.support.migrations import migrated_up_to_before

MIGRATION = "0018_audit_trail_indexes"
INDEXES = {"ix_audit_school", "ix_audit_actor", "ix_audit_action"}


def audit_indexes(settings) -> set[str]:
    connection = db.connect(settings, "registrar")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW INDEX FROM t_audit_log")
            return {record["Key_name"] for record in cursor.fetchall()}
    finally:
        connection.close()


def test_the_migration_adds_the_trails_indexes_and_its_rollback_drops_them(settings):
    with migrated_up_to_before(settings, "registrar", MIGRATION) as own:
        assert not INDEXES & audit_indexes(own)

        migrations.apply_all(own, ("registrar",))

        assert INDEXES <= audit_indexes(own)
