"""The dashboard when the KPI service (or the notifier) is down or slow: the answer still comes,
within the budget, with the action rail, and says which figures are stale."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from devtools.ports import free_port
from tests.integration.dashboard.conftest import GENEROUS_BUDGET_SECONDS, dashboard_client, fold_kpi
from tests.support import kpi as kpi_events
from tests.support.dashboard import SlowServer
from tests.support.tcp_proxy import TcpProxy
from tests.support.waiting import wait_until

KPI_FIGURES = [
    "leads",
    "enrollments",
    "conversion_rate",
    "median_hours_to_decision",
    "invoiced_minor",
    "collected_minor",
]
# The budget the tests set, and what the whole request (token check included) may take.
BUDGET_SECONDS = 0.3
ANSWER_WITHIN_SECONDS = 1.5


@pytest.fixture
def school_with_a_waiting_lead(make_school, settings):
    """A school with one lead on the rail (written to the dashboard's tables by its worker in
    other tests; here straight through the consumer's fold)."""
    from dashboard.service_layer.fold import fold_event
    from shared import db
    from tests.support.dashboard import submitted

    school = make_school()
    connection = db.connect(settings, "dashboard")
    try:
        with db.transaction(connection) as cursor:
            fold_event(
                cursor,
                submitted(school.id, 7, datetime.now(timezone.utc) - timedelta(days=5)),
                invoice_due_days=14,
            )
    finally:
        connection.close()
    return school


def timed_get(client, path, headers):
    started = time.monotonic()
    answer = client.get(path, headers=headers)
    return answer, time.monotonic() - started


def test_with_the_kpi_service_down_the_rail_comes_with_its_figures_null_and_stale(
    dashboard_settings, school_with_a_waiting_lead
):
    client = dashboard_client(
        replace(dashboard_settings, kpi_url=f"http://127.0.0.1:{free_port()}")
    )
    school = school_with_a_waiting_lead
    client.get("/api/dashboard", headers=school.headers())  # the token check is cached

    answer, took = timed_get(client, "/api/dashboard", school.headers())

    assert answer.status_code == 200
    body = answer.get_json()
    assert took < ANSWER_WITHIN_SECONDS
    assert body["stale"] == [*KPI_FIGURES, "trends"]
    leads = next(tile for tile in body["tiles"] if tile["key"] == "leads")
    assert (leads["value"], leads["stale"]) == (None, True)
    pending = next(tile for tile in body["tiles"] if tile["key"] == "pending_review")
    assert (pending["value"], pending["stale"]) == (1, False)
    assert body["trends"] == {"days": None, "stale": True}
    assert [item["registration_id"] for item in body["action_rail"]] == [7]
    assert body["figures_as_of"] is None
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'edquill_dashboard_remote_answers_total{source="kpi",state="missing"}' in metrics


def test_a_slow_kpi_service_costs_the_budget_and_no_more(
    dashboard_settings, school_with_a_waiting_lead
):
    slow = SlowServer(delay=5)
    try:
        client = dashboard_client(
            replace(dashboard_settings, kpi_url=slow.url), remote_budget_seconds=BUDGET_SECONDS
        )
        school = school_with_a_waiting_lead
        client.get("/api/dashboard", headers=school.headers())  # the token check is cached

        answer, took = timed_get(client, "/api/dashboard", school.headers())
    finally:
        slow.close()

    assert answer.status_code == 200
    assert BUDGET_SECONDS <= took < BUDGET_SECONDS + 0.5
    body = answer.get_json()
    assert set(KPI_FIGURES) <= set(body["stale"])
    assert [item["registration_id"] for item in body["action_rail"]] == [7]


def test_when_the_kpi_service_goes_away_the_last_figures_are_served_stale(
    dashboard_settings, kpi_service, school_with_a_waiting_lead, kpi_db
):
    school = school_with_a_waiting_lead
    fold_kpi(
        kpi_db, kpi_events.submitted(school.id, 7, datetime.now(timezone.utc) - timedelta(hours=1))
    )
    kpi_port = int(kpi_service.url.rsplit(":", 1)[1])
    with TcpProxy("127.0.0.1", kpi_port) as proxy:
        # Figures are fresh for 0.2 s only, so the next request asks again.
        client = dashboard_client(
            replace(dashboard_settings, kpi_url=f"http://127.0.0.1:{proxy.port}"),
            fresh_seconds=0.2,
            remote_budget_seconds=GENEROUS_BUDGET_SECONDS,
        )
        fresh = client.get("/api/dashboard", headers=school.headers()).get_json()
        proxy.cut()
        time.sleep(0.3)

        stale = client.get("/api/dashboard", headers=school.headers()).get_json()

    def leads(body):
        return next(tile for tile in body["tiles"] if tile["key"] == "leads")

    assert (leads(fresh)["value"], leads(fresh)["stale"]) == (1, False)
    assert (leads(stale)["value"], leads(stale)["stale"]) == (1, True)
    assert stale["figures_as_of"] is not None
    assert stale["trends"]["stale"] is True and len(stale["trends"]["days"]) == 30


def test_a_slow_answer_fills_the_cache_for_the_next_request(
    dashboard_settings, kpi_service, school_with_a_waiting_lead
):
    """A KPI service slower than the budget: the first answer is stale, the call finishes in
    the background, and a later request finds its figures fresh."""
    slow = SlowServer(delay=BUDGET_SECONDS * 2, forward_to=kpi_service.url)
    try:
        client = dashboard_client(
            replace(dashboard_settings, kpi_url=slow.url), remote_budget_seconds=BUDGET_SECONDS
        )
        school = school_with_a_waiting_lead

        first = client.get("/api/dashboard", headers=school.headers()).get_json()

        assert "leads" in first["stale"]
        wait_until(
            lambda: (
                "leads"
                not in client.get("/api/dashboard", headers=school.headers()).get_json()["stale"]
            ),
            timeout=10,
            what="the background answer to be cached",
        )
    finally:
        slow.close()


def test_with_the_notifier_down_held_messages_are_stale_and_the_rest_is_served(
    dashboard_settings, school_with_a_waiting_lead
):
    client = dashboard_client(
        replace(dashboard_settings, notifier_url=f"http://127.0.0.1:{free_port()}"),
        remote_budget_seconds=GENEROUS_BUDGET_SECONDS,
    )

    body = client.get("/api/dashboard", headers=school_with_a_waiting_lead.headers()).get_json()

    assert body["stale"] == ["held_messages"]
    assert [item["kind"] for item in body["action_rail"]] == ["lead_waiting"]


def test_with_the_registrar_down_a_token_cannot_be_checked_503(dashboard_settings):
    client = dashboard_client(
        replace(dashboard_settings, registrar_url=f"http://127.0.0.1:{free_port()}")
    )

    answer = client.get("/api/dashboard", headers={"Accesstoken": "any"})

    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "auth_unavailable"
