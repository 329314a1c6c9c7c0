"""`edquill retention purge`: every kind of row kept for a time, purged once it expires.

Each service purges its own tables: a service registers a purge under the
`edquill.retention` entry point group (a callable (settings, knobs, now, dry_run) -> a list of
shared.retention.Purged). Every consumer's inbox (the base consumer's table, shared.event_inbox)
is purged here, in the database of each consumer of the `edquill.consumers` group.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from functools import partial
from importlib.metadata import entry_points

import click

from shared import db
from shared.config import Settings
from shared.event_inbox import purge_inbox
from shared.retention import Purged, RetentionKnobs, cutoff

log = logging.getLogger(__name__)


@click.group("retention")
def retention() -> None:
    """Published events, consumers' inbox rows and settled messages, kept for a time."""


@retention.command("purge")
@click.option("--dry-run", is_flag=True, help="Print what would be purged; delete nothing.")
@click.pass_obj
def purge(settings: Settings, dry_run: bool) -> None:
    """Delete every expired row, in small batches: published outbox events older than
    EDQUILL_RETENTION_OUTBOX_DAYS, inbox rows older than EDQUILL_RETENTION_INBOX_DAYS,
    settled messages older than EDQUILL_RETENTION_MESSAGE_LOG_DAYS."""
    knobs = RetentionKnobs.from_env()
    now = datetime.now(timezone.utc)
    purged: list[Purged] = []
    failed: list[str] = []
    for name, run in _purges():
        # One table's failure (a database down) leaves the others to be purged all the same.
        try:
            purged += run(settings, knobs, now, dry_run)
        except Exception as exc:
            log.debug("retention purge of %s failed", name, exc_info=True)
            failed.append(f"the {name} purge failed: {type(exc).__name__}: {exc}")
    for result in sorted(purged, key=lambda p: (p.database, p.table)):
        click.echo(result.describe(dry_run))
    total = sum(result.rows for result in purged)
    click.echo(f"would purge {total} rows; nothing deleted" if dry_run else f"purged {total} rows")
    if failed:
        raise click.ClickException("; ".join(failed))


def _purges():
    """(name, purge) for every service's own purge, then every consumer database's inbox."""
    for entry in sorted(entry_points(group="edquill.retention"), key=lambda e: e.name):
        yield entry.name, entry.load()
    for service in _consumer_databases():
        yield f"{service} inbox", partial(_purge_inbox, service)


def _consumer_databases() -> list[str]:
    consumers = (entry.load() for entry in entry_points(group="edquill.consumers"))
    return sorted({consumer.SERVICE_DB for consumer in consumers})


def _purge_inbox(
    service: str, settings: Settings, knobs: RetentionKnobs, now: datetime, dry_run: bool
) -> list[Purged]:
    connection = db.connect(settings, service)
    try:
        rows = purge_inbox(
            connection, cutoff(now, knobs.inbox_days), knobs.batch_size, dry_run=dry_run
        )
    finally:
        connection.close()
    return [Purged(settings.database(service), "t_event_inbox", knobs.inbox_days, rows)]
