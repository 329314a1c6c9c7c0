"""The outbox relay against the real MariaDB and RabbitMQ."""
from __future__ import annotations

import uuid

import pytest

from tests.support.broker import QueueProbe
from tests.support.factories import create_registration, create_school, set_status
from tests.support.processes import start_relay


@pytest.fixture
def probe(settings):
    probe = QueueProbe(settings, f"selfreg-{uuid.uuid4().hex[:6]}", patterns=("selfreg.#",))
    yield probe
    probe.delete()


@pytest.fixture
def relay(settings, clean_outbox):
    process = start_relay(settings)
    yield process
    process.terminate()


def test_plain_sql_status_update_reaches_a_selfreg_queue_with_the_contract_envelope(
        registrar_db, probe, relay):
    school_id = create_school(registrar_db)
    registration_id = create_registration(registrar_db, school_id)
    set_status(registrar_db, registration_id, "in_review")

    (submitted_props, submitted), (updated_props, updated) = probe.take(2)

    assert submitted["event_type"] == "selfreg.submitted"
    assert updated["event_type"] == "selfreg.status.updated"
    assert updated_props.message_id == updated["event_id"]
    assert updated_props.delivery_mode == 2
    assert uuid.UUID(updated["event_id"])
    assert updated["school_id"] == school_id
    assert updated["aggregate_type"] == "self_registration"
    assert updated["aggregate_id"] == registration_id
    assert updated["occurred_at"].endswith("Z")
    assert updated["payload"]["registration_id"] == registration_id
    assert updated["payload"]["from_status"] == "pending"
    assert updated["payload"]["to_status"] == "in_review"
