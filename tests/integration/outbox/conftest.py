"""Fixtures for the outbox relay tests: an exchange of the test's own, probe queues on it,
relays as real `edquill outbox worker` processes (always stopped at the end), and a school to
register in."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import replace

import pytest

from tests.support.broker import QueueProbe, delete_exchange
from tests.support.factories import create_school
from tests.support.processes import EdquillProcess, start_relay


@pytest.fixture
def relay_settings(settings):
    """The session's servers and databases with an exchange of this test's own: no queue left
    bound by another test can route (or swallow) what this test's relays publish."""
    own = replace(settings, exchange=f"{settings.exchange}.{secrets.token_hex(3)}")
    yield own
    delete_exchange(own)


@pytest.fixture
def probe_factory(relay_settings):
    """Makes probe queues bound to the given routing patterns; deletes them afterwards."""
    probes: list[QueueProbe] = []

    def make(*patterns: str) -> QueueProbe:
        probe = QueueProbe(relay_settings, f"outbox-{uuid.uuid4().hex[:8]}", patterns=patterns)
        probes.append(probe)
        return probe

    yield make
    for probe in probes:
        probe.delete()


@pytest.fixture
def selfreg_probe(probe_factory) -> QueueProbe:
    return probe_factory("selfreg.#")


@pytest.fixture
def relays(relay_settings, clean_outbox):
    """Starts relays (`edquill outbox worker --lease-seconds 3 ARGS`) on an empty outbox."""
    started: list[EdquillProcess] = []

    def start(*args: str, extra_env: dict | None = None) -> EdquillProcess:
        process = start_relay(relay_settings, *args, extra_env=extra_env)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def school_id(registrar_db) -> int:
    return create_school(registrar_db)
