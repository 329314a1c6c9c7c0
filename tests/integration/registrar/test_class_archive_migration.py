"""0020 gives teachers and classes their archive mark, and its rollback takes it back."""

from __future__ import annotations

from shared import db, migrations
from tests.support.migrations import migrated_up_to_before, roll_back_through

MIGRATION = "0020_class_archive"
TABLES = ("teachers", "class_schedules")


def archive_columns(settings) -> set[str]:
    connection = db.connect(settings, "registrar")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name AS name FROM information_schema.columns "
                "WHERE table_schema = DATABASE() AND column_name = 'archived_at' "
                "AND table_name IN %s",
                (TABLES,),
            )
            return {row["name"] for row in cursor.fetchall()}
    finally:
        connection.close()


def test_the_migration_adds_archived_at_and_its_rollback_drops_it(settings):
    with migrated_up_to_before(settings, "registrar", MIGRATION) as own:
        assert archive_columns(own) == set()

        migrations.apply_all(own, ("registrar",))
        assert archive_columns(own) == set(TABLES)

        roll_back_through(own, "registrar", MIGRATION)
        assert archive_columns(own) == set()
