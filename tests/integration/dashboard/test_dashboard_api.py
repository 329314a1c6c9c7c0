"""GET /api/dashboard with the real registrar checking tokens and the real KPI service (fed
through its tables) answering for figures."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.integration.dashboard.conftest import fold_kpi
from tests.support import kpi as kpi_events

NOW = datetime.now(timezone.utc)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def leads(school_id: int, first_id: int, count: int, at: datetime) -> list:
    return [
        kpi_events.submitted(school_id, first_id + n, at + timedelta(minutes=n), "web")
        for n in range(count)
    ]


def tile(body: dict, key: str) -> dict:
    return next(item for item in body["tiles"] if item["key"] == key)


def test_tiles_compare_the_range_with_the_period_before(client, make_school, kpi_db):
    school = make_school()
    fold_kpi(
        kpi_db,
        *leads(school.id, 1, 6, days_ago(3)),
        *leads(school.id, 100, 4, days_ago(10)),
        kpi_events.converted(school.id, 1, days_ago(2)),
    )

    answer = client.get("/api/dashboard?range=7d", headers=school.headers())

    assert answer.status_code == 200
    body = answer.get_json()
    assert {
        key: tile(body, "leads")[key]
        for key in ("value", "previous", "change", "change_ratio", "stale")
    } == {"value": 6, "previous": 4, "change": 2, "change_ratio": 0.5, "stale": False}
    assert tile(body, "enrollments")["value"] == 1
    assert tile(body, "conversion_rate")["value"] == round(1 / 6, 4)
    assert tile(body, "invoiced_minor")["currency"] == "USD"
    assert body["stale"] == []
    assert body["range"]["key"] == "7d" and body["range"]["days"] == 7


def test_every_contract_tile_key_is_answered(client, make_school):
    school = make_school()

    body = client.get("/api/dashboard", headers=school.headers("viewer")).get_json()

    assert [item["key"] for item in body["tiles"]] == [
        "leads",
        "enrollments",
        "conversion_rate",
        "pending_review",
        "waiting_on_family",
        "median_hours_to_decision",
        "invoiced_minor",
        "collected_minor",
    ]
    assert body["range"]["key"] == "30d"
    assert set(body) >= {"tiles", "trends", "action_rail", "stale", "range"}


def test_trends_hold_every_day_of_the_range(client, make_school, kpi_db):
    school = make_school()
    fold_kpi(kpi_db, *leads(school.id, 1, 2, days_ago(1)))
    today = NOW.date()
    first = today - timedelta(days=4)

    body = client.get(
        f"/api/dashboard?from={first}&to={today}", headers=school.headers()
    ).get_json()

    days = body["trends"]["days"]
    assert [day["day"] for day in days] == [str(first + timedelta(days=n)) for n in range(5)]
    assert sum(day["leads"] for day in days) == 2
    assert body["range"]["key"] is None
    assert body["range"]["previous"] == {
        "from": str(first - timedelta(days=5)),
        "to": str(first - timedelta(days=1)),
    }


def test_a_request_without_a_token_is_401(client):
    answer = client.get("/api/dashboard")

    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "unauthorized"


def test_a_token_the_registrar_does_not_know_is_401(client):
    answer = client.get("/api/dashboard", headers={"Accesstoken": "not-a-real-token"})

    assert answer.status_code == 401
    assert answer.get_json()["error"]["message"] == (
        "the access token is unknown, expired or revoked"
    )


def test_a_bad_range_is_422_naming_the_field(client, make_school):
    headers = make_school().headers()
    today = NOW.date()

    for query, field in (
        ("range=14d", "range"),
        ("from=2026-13-01&to=2026-12-01", "from"),
        (f"from={today}", "to"),
        (f"from={today}&to={today - timedelta(days=1)}", "to"),
        (f"range=7d&from={today}&to={today}", "range"),
        (f"from={today - timedelta(days=400)}&to={today}", "to"),
    ):
        answer = client.get(f"/api/dashboard?{query}", headers=headers)

        assert answer.status_code == 422, query
        error = answer.get_json()["error"]
        assert error["code"] == "validation_failed"
        assert field in error["details"]["fields"], (query, error)


def test_naming_a_school_in_the_query_is_refused_not_obeyed(client, make_school):
    mine, theirs = make_school(), make_school()

    answer = client.get(f"/api/dashboard?school_id={theirs.id}", headers=mine.headers())

    assert answer.status_code == 422
    assert "school_id" in answer.get_json()["error"]["details"]["fields"]


def test_the_settings_are_the_defaults_until_an_admin_sets_them(client, make_school):
    school = make_school()

    before = client.get("/api/dashboard/settings", headers=school.headers("viewer"))
    changed = client.put(
        "/api/dashboard/settings",
        headers=school.headers("admin"),
        json={"lead_wait_hours": 24, "needs_info_wait_hours": 48, "approved_wait_hours": 96},
    )

    assert before.get_json() == {
        "lead_wait_hours": 48,
        "needs_info_wait_hours": 72,
        "approved_wait_hours": 168,
        "customised": False,
    }
    assert changed.status_code == 200
    assert changed.get_json()["customised"] is True
    assert client.get("/api/dashboard", headers=school.headers()).get_json()["targets"] == {
        "lead_wait_hours": 24,
        "needs_info_wait_hours": 48,
        "approved_wait_hours": 96,
    }


def test_only_an_admin_may_change_the_settings(client, make_school):
    school = make_school()

    answer = client.put(
        "/api/dashboard/settings",
        headers=school.headers("registrar"),
        json={"lead_wait_hours": 24, "needs_info_wait_hours": 48, "approved_wait_hours": 96},
    )

    assert answer.status_code == 403


def test_settings_out_of_bounds_are_422_with_the_fields(client, make_school):
    school = make_school()

    answer = client.put(
        "/api/dashboard/settings",
        headers=school.headers(),
        json={"lead_wait_hours": 0, "needs_info_wait_hours": 48},
    )

    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["details"]["fields"]) == {
        "lead_wait_hours",
        "approved_wait_hours",
    }


def test_settings_sent_as_a_form_are_400(client, make_school):
    answer = client.put(
        "/api/dashboard/settings", headers=make_school().headers(), data={"lead_wait_hours": "3"}
    )

    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "invalid_json"
