"""The KPI HTTP API (/api/kpi) for the dashboard and Grafana, with tokens checked by the real
registrar (`edquill serve registrar`): each token sees its own school's figures only."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

import pytest

from devtools.ports import free_port
from kpi.entrypoints.app import create_app
from kpi.service_layer.fold import fold_events
from kpi.service_layer.rebuild import rebuild
from registrar.adapters.tokens_store import issue_token
from shared import db
from shared.db import transaction
from tests.support.factories import create_school
from tests.support.kpi import (
    invoice_event,
    new_school_id,
    school_created,
    status_changed,
    submitted,
    utc,
)
from tests.support.processes import EdquillProcess
from tests.support.waiting import wait_until

NOV_12, NOV_13 = "2025-11-12", "2025-11-13"


@dataclass
class School:
    id: int
    token: str

    @property
    def headers(self) -> dict:
        return {"Accesstoken": self.token}


@pytest.fixture(scope="module")
def client(kpi_settings):
    return create_app(kpi_settings, {"TESTING": True}).test_client()


@pytest.fixture
def fold(settings):
    """Fold events straight into the KPI tables, as the worker's transaction does."""
    connection = db.connect(settings, "kpi")

    def fold_now(*events):
        with transaction(connection) as cursor:
            fold_events(cursor, events)

    yield fold_now
    connection.close()


def school_with_figures(registrar_db, fold, leads: int, role: str = "viewer") -> School:
    school_id = create_school(registrar_db, timezone="America/New_York", currency="USD")
    fold(
        school_created(school_id, timezone_name="America/New_York"),
        *(
            submitted(school_id, n, utc(2025, 11, 13, 15, n - 1), "web")
            for n in range(1, leads + 1)
        ),
        status_changed(school_id, 1, "in_review", "approved", utc(2025, 11, 13, 17, 0)),
        invoice_event("invoice.issued", school_id, 1, 1, 20_000, utc(2025, 11, 13, 17, 1)),
    )
    return School(school_id, issue_token(registrar_db, school_id, role))


def test_the_daily_series_is_every_day_of_the_range_for_the_tokens_school(
    client, registrar_db, fold
):
    school = school_with_figures(registrar_db, fold, leads=3)

    answer = client.get(f"/api/kpi/daily?from={NOV_12}&to={NOV_13}", headers=school.headers)

    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["school_id"], body["timezone"], body["currency"]) == (
        school.id,
        "America/New_York",
        "USD",
    )
    assert [day["day"] for day in body["days"]] == [NOV_12, NOV_13]
    assert body["days"][0]["leads"] == 0 and body["days"][0]["conversion_rate"] is None
    assert {
        key: body["days"][1][key]
        for key in ("leads", "approvals", "invoiced_minor", "outstanding_minor", "leads_by_source")
    } == {
        "leads": 3,
        "approvals": 1,
        "invoiced_minor": 20_000,
        "outstanding_minor": 20_000,
        "leads_by_source": {"web": 3},
    }


def test_another_schools_token_sees_only_its_own_figures(client, registrar_db, fold):
    mine = school_with_figures(registrar_db, fold, leads=2)
    theirs = school_with_figures(registrar_db, fold, leads=5)

    answer = client.get(f"/api/kpi/summary?from={NOV_13}&to={NOV_13}", headers=theirs.headers)

    assert answer.get_json()["school_id"] == theirs.id
    assert answer.get_json()["leads"] == 5
    assert (
        client.get(f"/api/kpi/summary?from={NOV_13}&to={NOV_13}", headers=mine.headers).get_json()[
            "leads"
        ]
        == 2
    )


def test_another_schools_overview_holds_only_its_own_figures(client, registrar_db, fold):
    mine = school_with_figures(registrar_db, fold, leads=2)
    theirs = school_with_figures(registrar_db, fold, leads=5)

    def leads(school):
        body = client.get(
            f"/api/kpi/overview?from={NOV_13}&to={NOV_13}", headers=school.headers
        ).get_json()
        return body["school_id"], body["summary"]["leads"], body["trend"][0]["leads"]

    assert leads(theirs) == (theirs.id, 5, 5)
    assert leads(mine) == (mine.id, 2, 2)


def test_the_summary_adds_up_the_range(client, registrar_db, fold):
    school = school_with_figures(registrar_db, fold, leads=4, role="admin")

    body = client.get(
        "/api/kpi/summary?from=2025-11-01&to=2025-11-30", headers=school.headers
    ).get_json()

    assert {
        key: body[key]
        for key in (
            "from",
            "to",
            "leads",
            "approvals",
            "enrollments",
            "conversion_rate",
            "invoiced_minor",
            "collected_minor",
            "outstanding_minor",
            "currency",
            "leads_by_source",
        )
    } == {
        "from": "2025-11-01",
        "to": "2025-11-30",
        "leads": 4,
        "approvals": 1,
        "enrollments": 0,
        "conversion_rate": 0.0,
        "invoiced_minor": 20_000,
        "collected_minor": 0,
        "outstanding_minor": 20_000,
        "currency": "USD",
        "leads_by_source": {"web": 4},
    }
    # Registration 1 was submitted at 15:00 and approved at 17:00.
    assert body["median_hours_to_decision"] == 2.0


def decided_after(school_id: int, registration_id: int, submitted_at, hours: float):
    """A submission and its approval `hours` later (earlier, when negative)."""
    return (
        submitted(school_id, registration_id, submitted_at, "web"),
        status_changed(
            school_id,
            registration_id,
            "in_review",
            "approved",
            submitted_at + timedelta(hours=hours),
        ),
    )


@pytest.mark.parametrize(
    "hours, median",
    [
        ((1, 2, 4, 10), 3.0),
        ((1, 2, 4, 10, -1), 2.0),
        ((7,), 7.0),
    ],
    ids=["even-count", "odd-count-with-a-decision-before-its-submission", "one-decision"],
)
def test_the_median_time_to_decision_is_over_every_decision_of_the_range(
    client, registrar_db, fold, hours, median
):
    school_id = create_school(registrar_db, timezone="America/New_York", currency="USD")
    fold(
        school_created(school_id, timezone_name="America/New_York"),
        *(
            event
            for n, taken in enumerate(hours, start=1)
            for event in decided_after(school_id, n, utc(2025, 11, 13, 15, n), taken)
        ),
    )
    token = issue_token(registrar_db, school_id, "viewer")

    body = client.get(
        f"/api/kpi/summary?from={NOV_12}&to={NOV_13}", headers={"Accesstoken": token}
    ).get_json()

    assert body["approvals"] == len(hours)
    assert body["median_hours_to_decision"] == median


def test_the_overview_holds_the_period_the_period_before_and_every_day(client, registrar_db, fold):
    school = school_with_figures(registrar_db, fold, leads=3)
    # Two days earlier: in the period before Nov 12..13, which is Nov 10..11.
    fold(
        *decided_after(school.id, 10, utc(2025, 11, 11, 15, 0), 5),
        submitted(school.id, 11, utc(2025, 11, 11, 16, 0), "fair"),
        # Before both periods: counted in neither.
        submitted(school.id, 12, utc(2025, 11, 9, 16, 0), "fair"),
    )

    answer = client.get(f"/api/kpi/overview?from={NOV_12}&to={NOV_13}", headers=school.headers)

    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["school_id"], body["from"], body["to"]) == (school.id, NOV_12, NOV_13)
    summary, previous = body["summary"], body["previous"]
    assert (
        summary["from"],
        summary["to"],
        summary["leads"],
        summary["approvals"],
        summary["median_hours_to_decision"],
        summary["leads_by_source"],
    ) == (NOV_12, NOV_13, 3, 1, 2.0, {"web": 3})
    assert (
        previous["from"],
        previous["to"],
        previous["leads"],
        previous["approvals"],
        previous["median_hours_to_decision"],
        previous["leads_by_source"],
    ) == ("2025-11-10", "2025-11-11", 2, 1, 5.0, {"fair": 1, "web": 1})
    assert body["trend"] == [
        {"day": NOV_12, "leads": 0, "enrollments": 0},
        {"day": NOV_13, "leads": 3, "enrollments": 0},
    ]


def test_an_overview_whose_period_before_is_no_dates_is_422(client, registrar_db, fold):
    school = school_with_figures(registrar_db, fold, leads=1)

    answer = client.get("/api/kpi/overview?from=0001-01-01&to=0001-01-31", headers=school.headers)

    assert answer.status_code == 422
    assert list(answer.get_json()["error"]["details"]["fields"]) == ["from"]


ENDPOINTS = ["/api/kpi/daily", "/api/kpi/summary", "/api/kpi/overview"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_request_without_a_token_is_401(client, endpoint):
    answer = client.get(f"{endpoint}?from={NOV_12}&to={NOV_13}")

    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_token_the_registrar_does_not_know_is_401(client, endpoint):
    answer = client.get(
        f"{endpoint}?from={NOV_12}&to={NOV_13}", headers={"Accesstoken": "made-up-token"}
    )

    assert answer.status_code == 401


@pytest.mark.parametrize(
    "query, field",
    [
        ("from=2025-11-13&to=2025-11-12", "to"),
        ("from=2024-01-01&to=2025-01-01", "to"),
        ("from=2025-11-31&to=2025-12-01", "from"),
        ("from=2025-11-01&to=yesterday", "to"),
        ("from=2025-11-01", "to"),
    ],
    ids=["backwards", "over-366-days", "no-such-date", "not-a-date", "missing"],
)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_bad_range_is_422_naming_the_field(client, registrar_db, fold, endpoint, query, field):
    school = school_with_figures(registrar_db, fold, leads=1)

    answer = client.get(f"{endpoint}?{query}", headers=school.headers)

    assert answer.status_code == 422
    assert list(answer.get_json()["error"]["details"]["fields"]) == [field]


def test_the_services_metrics_report_the_workers_progress_and_the_last_rebuild(
    client, settings, make_kpi_worker
):
    worker = make_kpi_worker()
    worker.publish(school_created(new_school_id()))
    worker.start().wait_until_settled()
    connection = db.connect(settings, "kpi")
    try:
        rebuild(connection, [])
    finally:
        connection.close()

    metrics = client.get("/metrics").get_data(as_text=True)

    for name in (
        "edquill_kpi_events_folded",
        "edquill_kpi_fold_lag_seconds",
        "edquill_kpi_last_fold_timestamp_seconds",
        "edquill_kpi_last_rebuild_seconds",
        "edquill_kpi_last_rebuild_timestamp_seconds",
    ):
        assert f"\n{name} " in metrics, name


def test_edquill_serve_kpi_answers_the_api_and_its_metrics_over_http(
    kpi_settings, registrar_db, fold
):
    school = school_with_figures(registrar_db, fold, leads=2)
    port = free_port()
    service = EdquillProcess(
        kpi_settings,
        "serve",
        "kpi",
        "--port",
        str(port),
        "--workers",
        "1",
        extra_env={"EDQUILL_REGISTRAR_URL": kpi_settings.registrar_url},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: _get(f"{url}/healthz")[0] == 200 or not service.running,
            timeout=60,
            what="the KPI service to serve",
        )
        status, body = _get(f"{url}/api/kpi/summary?from={NOV_13}&to={NOV_13}", school.headers)
        metrics_status, metrics = _get(f"{url}/metrics")
    finally:
        service.stop()

    assert status == 200, service.output()
    assert json.loads(body)["leads"] == 2
    assert metrics_status == 200
    assert "\nedquill_kpi_events_folded " in metrics


def _get(url: str, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""
