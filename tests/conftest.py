"""Fixtures shared by every tier above unit: real MariaDB/MySQL and RabbitMQ, isolated per
session by a database prefix and an exchange of the session's own."""

from __future__ import annotations

import os

import pytest

from registrar.adapters import users_store
from registrar.domain.password_cost import ScryptCost
from shared import db
from shared.config import Settings
from tests.support import figures
from tests.support.processes import serve
from tests.support.servers import isolated_run

# The suite runs as a developer's machine does, and says so: every process it starts inherits
# this, and production's refusal of weak secrets is tested where it is meant to be.
os.environ.setdefault("EDQUILL_ENV", "development")

# Accounts the tests make are hashed at this cost (about a millisecond instead of 0.4 s); the
# production cost, and the rehash up to it, are proved in tests/integration/registrar/
# test_password_rehash.py. Services the tests run as processes keep the production cost.
TEST_PASSWORD_COST = ScryptCost(n=2**10, r=8, p=1)


def pytest_terminal_summary(terminalreporter):
    figures.write_summary(terminalreporter)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users_store, "PASSWORD_COST", TEST_PASSWORD_COST)
        yield


@pytest.fixture(scope="session")
def settings() -> Settings:
    with isolated_run() as settings:
        yield settings


@pytest.fixture
def registrar_db(settings):
    connection = db.connect(settings, "registrar")
    yield connection
    connection.close()


@pytest.fixture
def clean_outbox(registrar_db):
    """An empty outbox with every partition free, for tests that count events."""
    with registrar_db.cursor() as cursor:
        cursor.execute("DELETE FROM t_event_outbox")
        cursor.execute("UPDATE t_outbox_partition_lease SET owner = NULL, lease_until = NULL")
        cursor.execute("DELETE FROM t_outbox_relay")
    return registrar_db


@pytest.fixture(scope="session")
def registrar_url(settings):
    """The registrar, as operators run it, on a free port: the other services ask it about
    access tokens. One for the session."""
    served = serve(settings, "registrar")
    yield served.url
    served.stop()
