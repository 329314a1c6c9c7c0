"""The family's answer to a request for information, consumed by the dashboard: the rail's
"unanswered" item for that registration clears, whichever of the answer and its status change
arrives, and a redelivered answer changes nothing more."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from shared.events import Event
from tests.support.dashboard import snapshot, status_changed, submitted

NOW = datetime.now(timezone.utc)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def asked(school_id: int, registration_id: int) -> list[Event]:
    return [
        submitted(school_id, registration_id, ago(days=10)),
        status_changed(school_id, registration_id, "pending", "in_review", ago(days=9)),
        status_changed(school_id, registration_id, "in_review", "needs_info", ago(days=5)),
    ]


def info_provided(school_id: int, registration_id: int, at: datetime) -> Event:
    return Event.new(
        "selfreg.info.provided",
        school_id,
        registration_id,
        {
            "registration_id": registration_id,
            "document_ids": [1],
            "answered": True,
            "guardian_email": "parent@example.com",
            "language": "en",
            "school": snapshot(school_id),
        },
        occurred_at=at,
    )


def unanswered(client, school) -> list[int]:
    body = client.get("/api/dashboard", headers=school.headers()).get_json()
    return [
        item["registration_id"]
        for item in body["action_rail"]
        if item["kind"] == "needs_info_unanswered"
    ]


def test_an_unanswered_request_is_on_the_rail(client, make_school, worker):
    school = make_school()
    worker.publish(*asked(school.id, 3))
    worker.wait_until_settled()
    assert unanswered(client, school) == [3]


def test_the_answer_alone_clears_the_rail_item(client, make_school, worker):
    school = make_school()
    worker.publish(*asked(school.id, 3), *asked(school.id, 4), info_provided(school.id, 3, NOW))
    worker.wait_until_settled()
    assert unanswered(client, school) == [4]


def test_the_answer_with_its_status_change_clears_it_once(client, make_school, worker):
    school = make_school()
    answer = info_provided(school.id, 3, NOW)
    back = status_changed(school.id, 3, "needs_info", "in_review", NOW)
    worker.publish(*asked(school.id, 3), back, answer, answer)
    worker.wait_until_settled()
    assert unanswered(client, school) == []
    body = client.get("/api/dashboard?range=30d", headers=school.headers()).get_json()
    waiting = {tile["key"]: tile["value"] for tile in body["tiles"]}
    assert waiting["waiting_on_family"] == 0 and waiting["pending_review"] == 1
