"""Reconciliation: the KPI figures of a school's days against the registrar's own counts."""

from __future__ import annotations

from kpi.adapters.registrar_client import RegistrarDailyReport, fetch_daily_report
from kpi.domain.reconciliation import Difference, differences, flat_figures
from kpi.service_layer import reports
from shared import db
from shared.config import Settings
from shared.errors import Conflict
from shared.local_days import DayRange


class WrongSchool(Conflict):
    """The registrar answered for another school than the one asked about (the token's)."""

    code = "wrong_school"


def reconcile_range(
    settings: Settings, token: str, school_id: int, days: DayRange
) -> list[Difference]:
    """`edquill kpi reconcile`: the registrar's report of `days` (RegistrarReportError if it
    gives none), then the KPI figures compared with it."""
    report = fetch_daily_report(settings.registrar_url, token, days)
    connection = db.connect(settings, "kpi")
    try:
        return reconcile(connection, school_id, days, report)
    finally:
        connection.close()


def reconcile(
    connection, school_id: int, days: DayRange, registrar: RegistrarDailyReport
) -> list[Difference]:
    if registrar.school_id != school_id:
        raise WrongSchool(
            f"the registrar token is for school {registrar.school_id}, not school {school_id}"
        )
    ours = {
        figures.day: flat_figures(figures)
        for figures in reports.daily_series(connection, school_id, days)
    }
    return differences(days.days, ours, registrar.days)
