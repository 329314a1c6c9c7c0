"""Settled messages purged once they are older than the log keeps them (the notifier's part of
`edquill retention purge`)."""

from __future__ import annotations

from datetime import datetime

from notifier.adapters.message_log_store import SETTLED_MESSAGES
from shared.batched_purge import purge_expired


def purge_settled_messages(
    connection, cutoff: datetime, batch_size: int, *, dry_run: bool = False
) -> int:
    """Delete messages settled before `cutoff`, a batch per commit (with dry_run, count them).

    The dedupe key of a purged message is free again: the log outlives the inbox (see
    shared.retention), so only an event older than both could send that message twice."""
    return purge_expired(connection, SETTLED_MESSAGES, cutoff, batch_size, dry_run=dry_run)
