"""The action rail's "seat offers waiting on families", kept from selfreg.seat.* events
consumed by the dashboard's consumer: an offer shows until it is accepted, declined or
expires, once however often its events arrive, in any order."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from shared.events import Event, format_timestamp
from tests.support.dashboard import snapshot, submitted

NOW = datetime.now(timezone.utc)
KIND = "seat_offer_waiting"


def offered(school_id: int, registration_id: int, offer_id: int, at: datetime) -> Event:
    return Event.new(
        "selfreg.seat.offered",
        school_id,
        registration_id,
        {
            "registration_id": registration_id,
            "schedule_id": 3,
            "offer_id": offer_id,
            "expires_at": format_timestamp(at + timedelta(hours=48)),
            "class": {"name": "Piano"},
            "guardian_email": "family@example.com",
            "language": "en",
            "school": snapshot(school_id, "UTC"),
        },
        occurred_at=at,
    )


def answered(event_type: str, school_id: int, registration_id: int, offer_id: int) -> Event:
    return Event.new(
        event_type,
        school_id,
        registration_id,
        {
            "registration_id": registration_id,
            "schedule_id": 3,
            "offer_id": offer_id,
            "expires_at": format_timestamp(NOW),
        },
        occurred_at=NOW,
    )


def seat_offers_on_rail(client, school) -> tuple[list[tuple[int, str]], int]:
    body = client.get("/api/dashboard", headers=school.headers()).get_json()
    items = [
        (item["registration_id"], item["title"])
        for item in body["action_rail"]
        if item["kind"] == KIND
    ]
    return items, body["action_counts"][KIND]


def test_an_open_offer_waits_on_the_rail(client, make_school, worker):
    school = make_school()
    worker.publish(
        submitted(school.id, 1, NOW - timedelta(days=1), first="Ada", last="Waits"),
        offered(school.id, 1, 10, NOW - timedelta(hours=2)),
    )
    worker.wait_until_settled()

    assert seat_offers_on_rail(client, school) == (
        [(1, "Ada Waits: a seat is held, no answer yet")],
        1,
    )


def test_each_answer_clears_its_offer(client, make_school, worker):
    school = make_school()
    worker.publish(
        *(offered(school.id, n, 10 + n, NOW - timedelta(hours=n)) for n in (1, 2, 3, 4)),
        answered("selfreg.seat.accepted", school.id, 1, 11),
        answered("selfreg.seat.declined", school.id, 2, 12),
        answered("selfreg.seat.expired", school.id, 3, 13),
    )
    worker.wait_until_settled()

    items, count = seat_offers_on_rail(client, school)
    assert [registration for registration, _ in items] == [4] and count == 1


def test_redelivered_and_late_events_change_nothing(client, make_school, worker):
    school = make_school()
    offer = offered(school.id, 1, 10, NOW - timedelta(hours=2))
    accepted = answered("selfreg.seat.accepted", school.id, 1, 10)
    # The answer first, then the offer it answered, each twice.
    worker.publish(accepted, offer, accepted, offer)
    worker.wait_until_settled()

    assert seat_offers_on_rail(client, school) == ([], 0)
    assert worker.count("duplicate") >= 2
