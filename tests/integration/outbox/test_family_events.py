"""The family's events on the exchange, published by a real relay: a withdrawal from the
family page arrives as selfreg.status.updated to withdrawn, and a request for fresh links as
selfreg.family_link.requested, each in the contract's envelope and with no link in it."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

from registrar.service_layer.family import withdraw
from registrar.service_layer.family_link_requests import request_family_links
from shared.family_links import FAMILY_LINK_LIFETIME, FamilyLink, sign_family_link
from shared.signing import KeyRing
from tests.support.factories import create_registration

FAMILY = "withdrawing-family@example.com"


def test_a_withdrawal_reaches_the_exchange_in_the_envelope(
    settings, registrar_db, selfreg_probe, relays, school_id
):
    relays()
    registration_id = create_registration(registrar_db, school_id, email=FAMILY)
    keys = KeyRing.of(settings)
    now = datetime.now(timezone.utc)
    token = sign_family_link(
        keys, FamilyLink(school_id, registration_id, FAMILY, now + FAMILY_LINK_LIFETIME)
    )
    withdraw(registrar_db, keys, token, now, version=1, reason="Moved away")

    (_, submitted), (properties, updated) = selfreg_probe.take(2)

    assert submitted["event_type"] == "selfreg.submitted"
    assert updated["event_type"] == "selfreg.status.updated"
    assert properties.message_id == updated["event_id"] and uuid.UUID(updated["event_id"])
    assert properties.delivery_mode == 2
    assert (updated["school_id"], updated["aggregate_id"]) == (school_id, registration_id)
    assert updated["aggregate_type"] == "self_registration"
    assert updated["payload"]["from_status"] == "pending"
    assert updated["payload"]["to_status"] == "withdrawn"
    assert updated["payload"]["note"] == "Moved away"


def test_a_request_for_links_reaches_the_exchange_without_a_link(
    registrar_db, selfreg_probe, relays, school_id
):
    relays()
    registration_id = create_registration(registrar_db, school_id, email=FAMILY)
    request_family_links(registrar_db, FAMILY, f"198.18.9.{registration_id % 250 + 1}")

    (_, _submitted), (properties, requested) = selfreg_probe.take(2)

    assert requested["event_type"] == "selfreg.family_link.requested"
    assert properties.message_id == requested["event_id"]
    assert requested["aggregate_id"] == registration_id
    assert requested["payload"]["guardian_email"] == FAMILY
    assert "/family/" not in json.dumps(requested)
