"""Schema migrations for every service's own database, on yoyo-migrations.

Each service keeps raw-SQL migrations in services/<service>/migrations (with `.rollback.sql`
twins). `migrate` creates missing databases, applies what is pending, and then (re)loads the
registrar's triggers from sql/ (outbox, stage counts), the same files a DBA loads by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

import click
from yoyo import get_backend, read_migrations

from shared import db
from shared.config import SERVICE_DATABASES, Settings
from shared.paths import SQL_DIR, migrations_dir
from shared.sqlscript import split_statements

TRIGGER_FILES = {
    "registrar": [SQL_DIR / "triggers_outbox.sql", SQL_DIR / "triggers_stage_counts.sql"]
}


@dataclass(frozen=True)
class MigrationState:
    service: str
    migration_id: str
    applied: bool


def _backend(settings: Settings, service: str):
    server = settings.mysql
    credentials = quote(server.user, safe="")
    if server.password:
        credentials += ":" + quote(server.password, safe="")
    url = f"mysql://{credentials}@{server.host}:{server.port}/{settings.database(service)}"
    return get_backend(url)


def _migrations(service: str):
    return read_migrations(str(migrations_dir(service)))


def apply_all(settings: Settings, services=SERVICE_DATABASES) -> list[str]:
    """Apply every pending migration; returns the ids applied. Safe to run again."""
    applied: list[str] = []
    for service in services:
        db.ensure_database(settings, service)
        backend = _backend(settings, service)
        migrations = _migrations(service)
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
        applied += [f"{service}:{migration.id}" for migration in pending]
        load_triggers(settings, service)
    return applied


def rollback_last(settings: Settings, services=SERVICE_DATABASES) -> list[str]:
    """Roll back the most recent migration of each service's database."""
    rolled_back: list[str] = []
    for service in reversed(services):
        backend = _backend(settings, service)
        with backend.lock():
            last = backend.to_rollback(_migrations(service))[:1]
            backend.rollback_migrations(last)
        rolled_back += [f"{service}:{migration.id}" for migration in last]
    return rolled_back


def status(settings: Settings, services=SERVICE_DATABASES) -> list[MigrationState]:
    states: list[MigrationState] = []
    for service in services:
        db.ensure_database(settings, service)
        backend = _backend(settings, service)
        for migration in _migrations(service):
            states.append(MigrationState(service, migration.id, backend.is_applied(migration)))
    return states


def load_triggers(settings: Settings, service: str) -> int:
    """Run the service's trigger scripts; returns how many statements ran."""
    count = 0
    for path in TRIGGER_FILES.get(service, []):
        connection = db.connect(settings, service)
        try:
            with connection.cursor() as cursor:
                for statement in split_statements(path.read_text()):
                    cursor.execute(statement)
                    count += 1
        finally:
            connection.close()
    return count


# The name each trigger script creates, as written in it.
_CREATE_TRIGGER = re.compile(r"CREATE\s+TRIGGER\s+`?(\w+)`?", re.IGNORECASE)


def scripted_triggers(service: str) -> set[str]:
    """The names of the triggers the service's scripts (TRIGGER_FILES) create."""
    return {
        name
        for path in TRIGGER_FILES.get(service, [])
        for name in _CREATE_TRIGGER.findall(path.read_text())
    }


def missing_triggers(settings: Settings, service: str) -> list[str]:
    """The scripted triggers the service's database lacks, by name."""
    connection = db.connect(settings, service)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = %s",
                (settings.database(service),),
            )
            present = {row["TRIGGER_NAME"] for row in cursor.fetchall()}
    finally:
        connection.close()
    return sorted(scripted_triggers(service) - present)


@click.command("migrate")
@click.option("--status", "show_status", is_flag=True, help="List migrations and whether applied.")
@click.option("--rollback", is_flag=True, help="Roll back the last migration of each database.")
@click.pass_obj
def migrate_command(settings: Settings, show_status: bool, rollback: bool) -> None:
    """Create the databases and apply pending migrations (and the outbox triggers)."""
    if show_status and rollback:
        raise click.UsageError("--status and --rollback do not go together")
    if show_status:
        for state in status(settings):
            mark = "applied" if state.applied else "pending"
            click.echo(f"{state.service:<10} {state.migration_id:<40} {mark}")
        return
    if rollback:
        done = rollback_last(settings)
        click.echo("rolled back: " + (", ".join(done) or "nothing"))
        return
    done = apply_all(settings)
    click.echo("applied: " + (", ".join(done) or "nothing, up to date"))
