"""Fixtures for the retention purge on the real MariaDB: the session's databases with every
table the purge reads emptied first, so a test counts only its own rows."""

from __future__ import annotations

import pytest

from shared import db
from tests.support.retention import INBOX_DATABASES

# The tables each test starts without, per database (names from here, never input).
EMPTIED = {
    "notifier": ("t_event_inbox", "t_message_log", "t_consent_history"),
    "kpi": ("t_event_inbox",),
    "dashboard": ("t_event_inbox",),
}


@pytest.fixture
def consumer_dbs(settings):
    """Connections to every consumer's database, its purged tables empty."""
    connections = {service: db.connect(settings, service) for service in INBOX_DATABASES}
    for service, connection in connections.items():
        with connection.cursor() as cursor:
            for table in EMPTIED[service]:
                cursor.execute(f"DELETE FROM {table}")
    yield connections
    for connection in connections.values():
        connection.close()


@pytest.fixture
def notifier_db(consumer_dbs):
    return consumer_dbs["notifier"]


@pytest.fixture
def empty_tables(clean_outbox, consumer_dbs):
    """Every table the purge reads, empty: the outbox and each consumer's tables."""
    return {"registrar": clean_outbox, **consumer_dbs}
