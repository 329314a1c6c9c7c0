"""0021 adds the staff invitations' table, and its rollback takes it away again."""

from __future__ import annotations

from shared import db, migrations
from tests.support.migrations import migrated_up_to_before, roll_back_through

MIGRATION = "0021_staff_invitations"


def has_invitations(settings) -> bool:
    connection = db.connect(settings, "registrar")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW TABLES LIKE 't_staff_invitation'")
            return cursor.fetchone() is not None
    finally:
        connection.close()


def test_the_migration_adds_the_invitations_and_its_rollback_drops_them(settings):
    with migrated_up_to_before(settings, "registrar", MIGRATION) as own:
        assert not has_invitations(own)

        migrations.apply_all(own, ("registrar",))
        assert has_invitations(own)

        assert roll_back_through(own, "registrar", MIGRATION) == [f"registrar:{MIGRATION}"]
        assert not has_invitations(own)
