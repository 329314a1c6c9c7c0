"""Databases at an earlier migration, for tests of migrations that carry data."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from typing import Iterator

from shared import db, migrations
from shared.config import Settings


@contextmanager
def migrated_up_to_before(
    settings: Settings, service: str, migration_id: str
) -> Iterator[Settings]:
    """Settings of a `service` database of its own, migrated up to the migration before
    `migration_id` (the newer ones rolled back, newest first); dropped afterwards."""
    own = replace(settings, db_prefix=f"{settings.db_prefix}{migration_id[:4]}_")
    migrations.apply_all(own, (service,))
    try:
        roll_back_through(own, service, migration_id)
        yield own
    finally:
        db.drop_database(own, service)


def roll_back_through(settings: Settings, service: str, migration_id: str) -> list[str]:
    """Roll back `service`'s migrations, newest first, until `migration_id` is undone too;
    returns what was rolled back, in that order."""
    rolled_back: list[str] = []
    while f"{service}:{migration_id}" not in rolled_back:
        undone = migrations.rollback_last(settings, (service,))
        assert undone, f"{service}:{migration_id} is not among the applied migrations"
        rolled_back += undone
    return rolled_back
