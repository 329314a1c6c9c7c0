"""An environment of a test's own for backups and restores (databases under a fresh prefix and
a documents folder), and what a restore must bring back: every table's checksum, every
trigger, every document's bytes."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from shared import db, migrations
from shared.config import SERVICE_DATABASES, Settings
from tests.support.servers import isolated_settings


@contextmanager
def own_environment(settings: Settings, documents_dir: Path, migrated: bool) -> Iterator[Settings]:
    """Settings on the session's servers with databases nobody else uses, dropped afterwards;
    migrated, or left absent for a restore to fill."""
    own = replace(
        isolated_settings(settings.mysql_url, settings.amqp_url),
        documents_dir=str(documents_dir),
    )
    documents_dir.mkdir(parents=True, exist_ok=True)
    try:
        if migrated:
            migrations.apply_all(own)
        yield own
    finally:
        drop_every_database(own)


def drop_every_database(settings: Settings) -> None:
    for service in SERVICE_DATABASES:
        db.drop_database(settings, service)


def table_checksums(settings: Settings) -> dict[str, int]:
    """CHECKSUM TABLE of every table of every service database, by `database.table`."""
    checksums = {}
    for service in SERVICE_DATABASES:
        connection = db.connect(settings, service)
        with connection.cursor() as cursor:
            cursor.execute("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")
            tables = [next(iter(row.values())) for row in cursor.fetchall()]
            for table in tables:
                # A table name cannot be a bound parameter; these come from SHOW TABLES.
                cursor.execute(f"CHECKSUM TABLE `{table}`")
                checksums[f"{service}.{table}"] = cursor.fetchone()["Checksum"]
        connection.close()
    return checksums


def triggers(settings: Settings) -> set[str]:
    found = set()
    for service in SERVICE_DATABASES:
        connection = db.connect(settings, service)
        with connection.cursor() as cursor:
            cursor.execute("SHOW TRIGGERS")
            found |= {f"{service}.{row['Trigger']}" for row in cursor.fetchall()}
        connection.close()
    return found


def file_digests(root: Path) -> dict[str, str]:
    """sha256 of every file under `root`, by its path relative to it."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
