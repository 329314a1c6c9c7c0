"""The outbox's part of `edquill retention purge` (the `edquill.retention` entry point):
published events older than EDQUILL_RETENTION_OUTBOX_DAYS, from the registrar's database."""

from __future__ import annotations

from datetime import datetime

from outbox_relay.service_layer import outbox_commands
from shared import db
from shared.config import Settings
from shared.retention import Purged, RetentionKnobs, cutoff


def purge_published_events(
    settings: Settings, knobs: RetentionKnobs, now: datetime, dry_run: bool
) -> list[Purged]:
    connection = db.connect(settings, "registrar")
    try:
        rows = outbox_commands.purge_published(
            connection, cutoff(now, knobs.outbox_days), knobs.batch_size, dry_run=dry_run
        )
    finally:
        connection.close()
    return [Purged(settings.database("registrar"), "t_event_outbox", knobs.outbox_days, rows)]
