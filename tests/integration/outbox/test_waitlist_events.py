"""The waitlist's events on the exchange, published by a real relay: a family joining a full
class, and the seat offered when one frees, each in the contract's envelope, with the class
described and no link in it."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

from registrar.service_layer.waitlist import (
    accept_offer,
    add_to_waitlist,
    expire_offers,
    unassign_class,
)
from tests.support.waitlist import full_class, waiting_registration


def test_joining_and_being_offered_reach_the_exchange(
    registrar_db, selfreg_probe, relays, school_id
):
    relays()
    piano = full_class(registrar_db, school_id)
    waiting = waiting_registration(registrar_db, school_id, "Ada")
    add_to_waitlist(registrar_db, school_id, waiting, piano.schedule_id, "staff")
    unassign_class(registrar_db, school_id, piano.seated[0], "staff")

    # Two submissions, then the waitlisted and offered events of the waiting registration.
    delivered = {body["event_type"]: (props, body) for props, body in selfreg_probe.take(4)}

    _, waitlisted = delivered["selfreg.waitlisted"]
    properties, offered = delivered["selfreg.seat.offered"]
    assert waitlisted["payload"]["position"] == 1
    assert properties.message_id == offered["event_id"] and uuid.UUID(offered["event_id"])
    assert properties.delivery_mode == 2
    assert (offered["school_id"], offered["aggregate_id"]) == (school_id, waiting)
    assert offered["aggregate_type"] == "self_registration"
    assert offered["payload"]["class"] == {
        "name": "Piano",
        "teacher_name": "Grace Hopper",
        "weekday": 0,
        "start_time": "16:00",
        "end_time": "17:00",
        "starts_on": "2026-01-05",
    }
    assert offered["payload"]["expires_at"].endswith("Z")
    assert "/family/" not in json.dumps(offered)


def test_an_accepted_offer_reaches_the_exchange_after_its_placement(
    registrar_db, selfreg_probe, relays, school_id
):
    relays()
    piano = full_class(registrar_db, school_id)
    waiting = waiting_registration(registrar_db, school_id, "Ada")
    add_to_waitlist(registrar_db, school_id, waiting, piano.schedule_id, "staff")
    [offer_id] = unassign_class(registrar_db, school_id, piano.seated[0], "staff")["offers"]
    accept_offer(registrar_db, school_id, waiting, offer_id, datetime.now(timezone.utc), "family")

    delivered = [body for _, body in selfreg_probe.take(6)]

    of_waiting = [body["event_type"] for body in delivered if body["aggregate_id"] == waiting]
    assert of_waiting == [
        "selfreg.submitted",
        "selfreg.waitlisted",
        "selfreg.seat.offered",
        "selfreg.class.assigned",
        "selfreg.seat.accepted",
    ]
    accepted = next(b for b in delivered if b["event_type"] == "selfreg.seat.accepted")
    assert accepted["payload"]["offer_id"] == offer_id


def test_an_expired_offer_reaches_the_exchange_then_the_next_offer(
    registrar_db, selfreg_probe, relays, school_id
):
    relays()
    piano = full_class(registrar_db, school_id)
    first = waiting_registration(registrar_db, school_id, "Ada")
    second = waiting_registration(registrar_db, school_id, "Bob")
    for registration_id in (first, second):
        add_to_waitlist(registrar_db, school_id, registration_id, piano.schedule_id, "staff")
    unassign_class(registrar_db, school_id, piano.seated[0], "staff")
    expire_offers(registrar_db, datetime.now(timezone.utc) + timedelta(hours=49), school_id)

    delivered = [body for _, body in selfreg_probe.take(8)]

    # Order holds per registration (its aggregate), not across registrations.
    def seat_events_of(registration_id):
        return [
            body["event_type"]
            for body in delivered
            if body["aggregate_id"] == registration_id
            and body["event_type"].startswith("selfreg.seat.")
        ]

    assert seat_events_of(first) == ["selfreg.seat.offered", "selfreg.seat.expired"]
    assert seat_events_of(second) == ["selfreg.seat.offered"]
    expired = next(b for b in delivered if b["event_type"] == "selfreg.seat.expired")
    assert expired["payload"]["expires_at"].endswith("Z")
