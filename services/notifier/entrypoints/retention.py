"""The notifier's part of `edquill retention purge` (the `edquill.retention` entry point):
settled messages older than EDQUILL_RETENTION_MESSAGE_LOG_DAYS. Its inbox is purged with every
consumer's (shared.retention_command)."""

from __future__ import annotations

from datetime import datetime

from notifier.service_layer.message_retention import purge_settled_messages
from shared import db
from shared.config import Settings
from shared.retention import Purged, RetentionKnobs, cutoff


def purge_message_log(
    settings: Settings, knobs: RetentionKnobs, now: datetime, dry_run: bool
) -> list[Purged]:
    connection = db.connect(settings, "notifier")
    try:
        rows = purge_settled_messages(
            connection, cutoff(now, knobs.message_log_days), knobs.batch_size, dry_run=dry_run
        )
    finally:
        connection.close()
    return [Purged(settings.database("notifier"), "t_message_log", knobs.message_log_days, rows)]
