"""The waitlist's events on the exchange, published by a real relay: a family joining a full
class, and the seat offered when one frees, each in the contract's envelope, with the class
described and no link in it."""

from __future__ import annotations

import json
import uuid

from registrar.service_layer.waitlist import add_to_waitlist, unassign_class
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
