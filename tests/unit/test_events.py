"""The event envelope: what the relay publishes and every consumer parses."""

import json
from datetime import datetime, timezone

import pytest

from shared.events import Event, MalformedEvent, school_event_from_snapshot


def _body(**overrides) -> bytes:
    body = {
        "event_id": "0f8e4c52-3c1e-4d3e-9a43-2b7f3b1f0c11",
        "event_type": "selfreg.converted",
        "school_id": 1,
        "aggregate_type": "self_registration",
        "aggregate_id": 5,
        "occurred_at": "2026-11-25T21:34:02.123456Z",
        "payload": {"registration_id": 5, "student_id": 9},
    }
    body.update(overrides)
    return json.dumps(body).encode()


def test_an_event_survives_a_round_trip_through_json():
    event = Event.new(
        "selfreg.status.updated",
        3,
        12,
        {"registration_id": 12, "from_status": "pending", "to_status": "in_review"},
        occurred_at=datetime(2026, 11, 25, 21, 34, 2, 123456, tzinfo=timezone.utc),
    )
    assert Event.from_json(event.to_json()) == event


def test_occurred_at_is_written_in_utc_with_microseconds_and_a_z():
    assert (
        json.loads(Event.from_json(_body()).to_json())["occurred_at"]
        == "2026-11-25T21:34:02.123456Z"
    )


@pytest.mark.parametrize(
    "body, problem",
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "JSON object"),
        (_body(event_type="selfreg.vanished"), "unknown event type"),
        (_body(event_type=["selfreg.converted"]), "event_type must be a string"),
        (_body(payload={"registration_id": 5}), "lacks student_id"),
        (_body(payload=[1]), "payload must be a JSON object"),
        (_body(school_id="1"), "school_id must be an integer"),
        (_body(event_id="not-a-uuid"), "not a UUID"),
        (_body(occurred_at="yesterday"), "not an ISO 8601 time"),
    ],
)
def test_a_malformed_body_is_refused_with_the_reason(body, problem):
    with pytest.raises(MalformedEvent, match=problem):
        Event.from_json(body)


def test_an_event_with_a_school_snapshot_implies_a_school_update():
    event = Event.from_json(
        _body(
            payload={
                "registration_id": 5,
                "student_id": 9,
                "school": {
                    "name": "North",
                    "slug": "north",
                    "timezone": "Europe/Oslo",
                    "currency": "NOK",
                },
            }
        )
    )

    implied = school_event_from_snapshot(event)

    assert implied.event_type == "school.updated"
    assert implied.aggregate_type == "school"
    assert implied.payload == {
        "school_id": 1,
        "name": "North",
        "slug": "north",
        "timezone": "Europe/Oslo",
        "currency": "NOK",
    }
    assert implied.occurred_at == event.occurred_at


def test_an_event_without_a_snapshot_implies_nothing():
    assert school_event_from_snapshot(Event.from_json(_body())) is None


def test_a_snapshot_lacking_fields_is_malformed():
    event = Event.from_json(
        _body(payload={"registration_id": 5, "student_id": 9, "school": {"name": "North"}})
    )
    with pytest.raises(MalformedEvent, match="lacks"):
        school_event_from_snapshot(event)
