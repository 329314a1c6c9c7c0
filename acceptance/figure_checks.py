"""The criteria a registrar and an admin feel: the lead queue and the dashboard answer fast,
and the school's KPI figures are there."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from acceptance.bounds import LATENCY_SAMPLES, Bounds
from acceptance.outcome import Outcome, p95_ms
from acceptance.system_http import SystemHttp
from registrar.adapters.schools_store import School


def lead_queue_latency(http: SystemHttp, limits: Bounds) -> Outcome:
    """The queue's first page (newest first, 25 rows), as the workspace opens it."""
    return _latency(
        http,
        "lead queue API p95",
        "registrar",
        "/api/admin/self-registration",
        limits.lead_queue_p95_max_ms,
    )


def dashboard_latency(http: SystemHttp, limits: Bounds) -> Outcome:
    """The dashboard's summary (tiles, trends, action rail) for its default range."""
    return _latency(
        http, "dashboard summary p95", "dashboard", "/api/dashboard", limits.dashboard_p95_max_ms
    )


def _latency(http: SystemHttp, name: str, service: str, path: str, bound_ms: float) -> Outcome:
    samples = [http.timed_get(service, path) for _ in range(LATENCY_SAMPLES)]
    p95 = p95_ms(samples)
    figure = f"{p95:.1f} ms over {len(samples)} requests (GET {path})"
    return Outcome(name, figure, f"<= {bound_ms:g} ms", p95 <= bound_ms)


def kpi_figures_present(http: SystemHttp, school: School) -> Outcome:
    """Today's figures of the school (its local day), which count the check's own lead."""
    today = datetime.now(timezone.utc).astimezone(ZoneInfo(school.timezone)).date().isoformat()
    answer = http.get("kpi", "/api/kpi/daily", {"from": today, "to": today})
    days = answer.get("days") or [{}]
    leads = days[0].get("leads") or 0
    figure = f"{today} ({school.timezone}): {leads} leads, {days[0].get('enrollments', 0)} enrolled"
    return Outcome(
        "KPI figures for the school", figure, ">= 1 lead today (this check's)", leads >= 1
    )
