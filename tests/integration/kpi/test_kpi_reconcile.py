"""`edquill kpi reconcile`: the KPI figures of a range against the registrar's own records,
read over HTTP from the real registrar. The registrar's records here are made by its own
code (status changes, an approval with its invoice, a payment), whose outbox events reach
the KPI worker as the relay would publish them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from registrar.adapters.tokens_store import issue_token
from registrar.service_layer.approvals import approve
from registrar.service_layer.lead_status import change_status
from registrar.service_layer.payments import pay
from shared.local_days import local_day, zone
from tests.support.classes import create_schedule, create_teacher, place
from tests.support.factories import create_registration, create_school
from tests.support.kpi import outbox_events, school_created, submitted
from tests.support.processes import run_edquill

TIMEZONE = "America/Chicago"


@dataclass
class Registrar:
    school_id: int
    token: str
    today: str  # the school's local day, ISO

    def reconcile(self, settings, *extra: str, token: str | None = None):
        day = datetime.fromisoformat(self.today).date()
        return run_edquill(
            settings,
            "kpi",
            "reconcile",
            "--school-id",
            str(self.school_id),
            "--from",
            (day - timedelta(days=1)).isoformat(),
            "--to",
            (day + timedelta(days=1)).isoformat(),
            *extra,
            extra_env={
                "EDQUILL_KPI_REGISTRAR_TOKEN": token or self.token,
                "EDQUILL_REGISTRAR_URL": settings.registrar_url,
            },
        )


@pytest.fixture
def school_worked_by_the_registrar(kpi_settings, registrar_db, make_kpi_worker):
    """Three submissions, two reviews, one rejection, one approval invoiced and paid, all made
    by the registrar's code today, and folded by a KPI worker."""
    school_id = create_school(registrar_db, timezone=TIMEZONE, currency="USD")
    first, second, third = (create_registration(registrar_db, school_id) for _ in range(3))
    for registration in (first, second):
        change_status(registrar_db, school_id, registration, "in_review", "tester")
    change_status(registrar_db, school_id, second, "rejected", "tester", note="not eligible")
    place(
        registrar_db,
        school_id,
        first,
        create_schedule(
            registrar_db, school_id, create_teacher(registrar_db, school_id), fee_minor=18_000
        ),
    )
    invoice = approve(
        registrar_db,
        kpi_settings,
        school_id,
        first,
        send_invoice=True,
        send_autopay_link=False,
        actor="tester",
        now=datetime.now(timezone.utc),
    )
    pay(registrar_db, kpi_settings, school_id, invoice["id"], 18_000, "cash", None, "tester")
    assert third
    worker = make_kpi_worker()
    worker.publish(
        school_created(school_id, timezone_name=TIMEZONE), *outbox_events(registrar_db, school_id)
    )
    worker.start().wait_until_settled()
    today = local_day(datetime.now(timezone.utc), zone(TIMEZONE)).isoformat()
    return Registrar(school_id, issue_token(registrar_db, school_id, "viewer"), today), worker


def test_reconcile_finds_no_difference_when_the_figures_match_the_registrars_records(
    kpi_settings, school_worked_by_the_registrar
):
    registrar, _worker = school_worked_by_the_registrar

    result = registrar.reconcile(kpi_settings)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        result.stdout.strip()
        .splitlines()[-1]
        .startswith(f"no differences for school {registrar.school_id}")
    )


def test_reconcile_reports_each_figure_that_differs_and_exits_1(
    kpi_settings, school_worked_by_the_registrar
):
    registrar, worker = school_worked_by_the_registrar
    worker.publish(submitted(registrar.school_id, 10**8, datetime.now(timezone.utc)))
    worker.wait_until_settled()

    result = registrar.reconcile(kpi_settings)

    assert result.returncode == 1
    assert result.stdout.strip().splitlines() == [
        f"{registrar.today} leads: kpi=4 registrar=3 (+1)"
    ]
    assert result.stderr.strip() == (
        "error: 1 differences between the KPI figures and the registrar's records for "
        f"school {registrar.school_id}, {_span(registrar)}"
    )


def test_reconcile_with_another_schools_token_fails_saying_so(
    kpi_settings, registrar_db, school_worked_by_the_registrar
):
    registrar, _worker = school_worked_by_the_registrar
    other_school = create_school(registrar_db)

    result = registrar.reconcile(
        kpi_settings, token=issue_token(registrar_db, other_school, "viewer")
    )

    assert result.returncode != 0
    assert result.stderr.strip().endswith(
        f"the registrar token is for school {other_school}, not school {registrar.school_id}"
    )


def test_reconcile_without_a_registrar_token_fails_saying_how_to_give_one(kpi_settings):
    result = run_edquill(
        kpi_settings,
        "kpi",
        "reconcile",
        "--school-id",
        "1",
        "--from",
        "2025-11-01",
        "--to",
        "2025-11-02",
        extra_env={"EDQUILL_KPI_REGISTRAR_TOKEN": ""},
    )

    assert result.returncode != 0
    assert "EDQUILL_KPI_REGISTRAR_TOKEN" in result.stderr


def _span(registrar: Registrar) -> str:
    day = datetime.fromisoformat(registrar.today).date()
    return f"{(day - timedelta(days=1)).isoformat()}..{(day + timedelta(days=1)).isoformat()}"
