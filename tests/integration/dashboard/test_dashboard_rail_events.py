"""The action rail and the status tiles, kept from events published to the session's exchange
and consumed by the dashboard's consumer: per school, idempotent, order-safe."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from shared import db
from shared.events import Event
from tests.integration.dashboard.conftest import GENEROUS_BUDGET_SECONDS, dashboard_client
from tests.support.dashboard import (
    converted,
    invoice_issued,
    invoice_paid,
    status_changed,
    submitted,
)

NOW = datetime.now(timezone.utc)


def ago(days: float = 0, hours: float = 0) -> datetime:
    return NOW - timedelta(days=days, hours=hours)


def history(school_id: int) -> list[Event]:
    """A school's events in commit order: one registration of each kind the rail shows, and
    one of each it must not show."""
    s = school_id
    return [
        submitted(s, 1, ago(days=3), first="Lena", last="Waits"),  # lead waiting
        submitted(s, 2, ago(hours=1), first="Noor", last="New"),  # too new
        submitted(s, 3, ago(days=10), first="Ines", last="Info"),
        status_changed(s, 3, "pending", "in_review", ago(days=9)),
        status_changed(s, 3, "in_review", "needs_info", ago(days=4)),  # family silent
        submitted(s, 4, ago(days=20), first="Abel", last="Approved"),
        status_changed(s, 4, "pending", "approved", ago(days=8)),  # not enrolled
        invoice_issued(s, 4, 40, ago(days=8)),  # due in 14 days
        submitted(s, 5, ago(days=20), first="Cora", last="Converted"),
        status_changed(s, 5, "pending", "approved", ago(days=19)),
        status_changed(s, 5, "approved", "converted", ago(days=18)),
        converted(s, 5, ago(days=18)),
        invoice_issued(s, 5, 50, ago(days=20)),  # overdue
        invoice_issued(s, 5, 51, ago(days=20)),
        invoice_paid(s, 5, 51, ago(days=15)),  # paid
        invoice_issued(s, 5, 52, ago(days=2), due_on=str(ago(days=1).date())),  # stated due
    ]


def rail(client, school) -> list[tuple[str, int]]:
    body = client.get("/api/dashboard", headers=school.headers()).get_json()
    return [(item["kind"], item["registration_id"]) for item in body["action_rail"]]


def tiles(client, school, query="range=30d") -> dict:
    body = client.get(f"/api/dashboard?{query}", headers=school.headers()).get_json()
    return {
        tile["key"]: (tile["value"], tile["previous"])
        for tile in body["tiles"]
        if tile["key"] in ("pending_review", "waiting_on_family")
    }


def test_the_rail_shows_what_needs_doing_from_the_events(client, make_school, worker):
    school = make_school()
    worker.publish(*history(school.id))
    worker.wait_until_settled()

    body = client.get("/api/dashboard", headers=school.headers()).get_json()

    assert [(item["kind"], item["registration_id"]) for item in body["action_rail"]] == [
        ("lead_waiting", 1),
        ("needs_info_unanswered", 3),
        ("approved_not_converted", 4),
        ("invoice_overdue", 5),
        ("invoice_overdue", 5),
    ]
    first = body["action_rail"][0]
    assert first["title"] == "Lena Waits: new lead, not reviewed yet"
    assert first["since"].startswith(str(ago(days=3).date()))
    assert first["href"].endswith("/admin/registrar?registration=1")
    assert body["action_counts"] == {
        "lead_waiting": 1,
        "needs_info_unanswered": 1,
        "approved_not_converted": 1,
        "invoice_overdue": 2,
        "seat_offer_waiting": 0,
        "message_held": 0,
    }
    assert body["school"]["name"] == f"School {school.id}"


def test_a_full_rail_list_shows_the_oldest_and_counts_them_all(
    dashboard_settings, make_school, worker
):
    school = make_school()
    s = school.id
    worker.publish(
        *(submitted(s, n, ago(days=3 + n)) for n in (1, 2, 3)),  # three waiting
        submitted(s, 4, ago(hours=2)),  # too new
        *(
            event
            for n in (5, 6)
            for event in (  # two, silent
                submitted(s, n, ago(days=10)),
                status_changed(s, n, "pending", "needs_info", ago(days=4 + n)),
            )
        ),
        submitted(s, 7, ago(days=10)),
        status_changed(s, 7, "pending", "approved", ago(days=9)),
    )  # one approved
    worker.wait_until_settled()
    client = dashboard_client(
        dashboard_settings, rail_items_per_kind=2, remote_budget_seconds=GENEROUS_BUDGET_SECONDS
    )

    body = client.get("/api/dashboard", headers=school.headers()).get_json()

    assert [(item["kind"], item["registration_id"]) for item in body["action_rail"]] == [
        ("lead_waiting", 3),
        ("lead_waiting", 2),
        ("needs_info_unanswered", 6),
        ("needs_info_unanswered", 5),
        ("approved_not_converted", 7),
    ]
    assert body["action_counts"] == {
        "lead_waiting": 3,
        "needs_info_unanswered": 2,
        "approved_not_converted": 1,
        "invoice_overdue": 0,
        "seat_offer_waiting": 0,
        "message_held": 0,
    }


def test_duplicated_and_out_of_order_events_change_nothing(client, make_school, worker):
    in_order, shuffled = make_school(), make_school()
    worker.publish(*history(in_order.id))
    events = history(shuffled.id)
    jumbled = events + random.Random(7).sample(events, len(events))
    random.Random(11).shuffle(jumbled)
    worker.publish(*jumbled)
    worker.wait_until_settled()

    assert rail(client, shuffled) == rail(client, in_order)
    assert tiles(client, shuffled) == tiles(client, in_order)
    assert worker.count("duplicate") >= len(events)


def test_the_status_totals_equal_the_registrations_in_each_status_in_any_order(
    settings, make_school, worker
):
    school = make_school()
    events = history(school.id)
    jumbled = events + random.Random(3).sample(events, len(events))
    random.Random(5).shuffle(jumbled)
    worker.publish(*jumbled)
    worker.wait_until_settled()

    connection = db.connect(settings, "dashboard")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT status, registrations FROM t_dashboard_status_total "
                "WHERE school_id = %s AND registrations <> 0",
                (school.id,),
            )
            totals = {row["status"]: row["registrations"] for row in cursor.fetchall()}
            cursor.execute(
                "SELECT status, COUNT(*) AS n FROM t_dashboard_registration "
                "WHERE school_id = %s GROUP BY status",
                (school.id,),
            )
            counted = {row["status"]: row["n"] for row in cursor.fetchall()}
    finally:
        connection.close()
    assert totals == counted == {"pending": 2, "needs_info": 1, "approved": 1, "converted": 1}


def test_a_redelivered_status_change_does_not_count_twice(client, make_school, worker):
    school = make_school()
    change = status_changed(school.id, 1, "pending", "needs_info", ago(days=1))
    worker.publish(submitted(school.id, 1, ago(days=2)), change, change)
    worker.wait_until_settled()

    assert tiles(client, school)["waiting_on_family"][0] == 1
    assert tiles(client, school)["pending_review"][0] == 0


def test_the_status_tiles_compare_now_with_the_end_of_the_previous_period(
    client, make_school, worker
):
    school = make_school()
    worker.publish(
        submitted(school.id, 1, ago(days=40)),
        submitted(school.id, 2, ago(days=45)),
        status_changed(school.id, 2, "pending", "needs_info", ago(days=5)),
        submitted(school.id, 3, ago(days=2)),
    )
    worker.wait_until_settled()

    assert tiles(client, school) == {"pending_review": (2, 2), "waiting_on_family": (1, 0)}


def test_another_schools_token_sees_only_its_own_rail(client, make_school, worker):
    mine, theirs = make_school(), make_school()
    worker.publish(
        submitted(mine.id, 11, ago(days=3)),
        submitted(theirs.id, 22, ago(days=3)),
        submitted(theirs.id, 23, ago(days=4)),
    )
    worker.wait_until_settled()

    assert rail(client, mine) == [("lead_waiting", 11)]
    assert rail(client, theirs) == [("lead_waiting", 23), ("lead_waiting", 22)]


def test_a_schools_targets_decide_what_is_on_its_rail(client, make_school, worker):
    school = make_school()
    worker.publish(submitted(school.id, 1, ago(hours=30)))
    worker.wait_until_settled()
    assert rail(client, school) == []

    client.put(
        "/api/dashboard/settings",
        headers=school.headers(),
        json={"lead_wait_hours": 24, "needs_info_wait_hours": 72, "approved_wait_hours": 168},
    )

    assert rail(client, school) == [("lead_waiting", 1)]


def test_held_messages_come_from_the_notifier_with_the_students_name(
    client, make_school, worker, settings
):
    school = make_school()
    worker.publish(submitted(school.id, 3, ago(hours=2), first="Hana", last="Held"))
    worker.wait_until_settled()
    connection = db.connect(settings, "notifier")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO t_message_log (school_id, registration_id, template_key, purpose, "
                "recipient, status, hold_until, created_at, updated_at) VALUES "
                "(%s, 3, 'needs_info_reminder', 'reminders', 'parent@example.com', 'held', "
                "%s, %s, %s)",
                (
                    school.id,
                    NOW + timedelta(hours=8),
                    ago(hours=1).replace(tzinfo=None),
                    ago(hours=1).replace(tzinfo=None),
                ),
            )
    finally:
        connection.close()

    body = client.get("/api/dashboard", headers=school.headers()).get_json()

    assert [(item["kind"], item["title"]) for item in body["action_rail"]] == [
        ("message_held", "Hana Held: needs info reminder e-mail held for quiet hours")
    ]
    assert body["action_counts"]["message_held"] == 1


def test_an_unusable_event_is_dead_lettered_and_the_others_go_through(client, make_school, worker):
    school = make_school()
    bad = Event.new(
        "selfreg.status.updated",
        school.id,
        1,
        {"registration_id": -1, "from_status": "pending", "to_status": "in_review"},
    )
    worker.publish(bad, submitted(school.id, 2, ago(days=3)))
    worker.wait_until_settled()

    assert rail(client, school) == [("lead_waiting", 2)]
    dead = worker._channel.queue_declare(worker.topology.dead_letter_queue, passive=True)
    assert dead.method.message_count >= 1
