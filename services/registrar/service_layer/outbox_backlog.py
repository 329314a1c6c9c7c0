"""The outbox's backlog as operators watch it: one read, outside any transaction (a
consistent snapshot of one statement is all a gauge needs)."""

from __future__ import annotations

from registrar.adapters import outbox_backlog_store
from registrar.adapters.outbox_backlog_store import OutboxBacklog


def read_outbox_backlog(connection) -> OutboxBacklog:
    with connection.cursor() as cursor:
        return outbox_backlog_store.outbox_backlog(cursor)
