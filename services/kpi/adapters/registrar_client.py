"""The registrar's own daily counts, over HTTP (GET /api/admin/reports/daily), for the
reconciliation: what its tables say happened on each of a school's local days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.local_days import DayRange
from shared.service_client import ServiceRefused, ServiceUnavailable, get_json

# A year of days is counted by a few grouped queries; a minute is plenty even for a district.
REPORT_TIMEOUT_SECONDS = 60


class RegistrarReportError(RuntimeError):
    """The registrar did not give its report; the message says why."""


@dataclass(frozen=True)
class RegistrarDailyReport:
    school_id: int
    timezone: str
    days: dict[date, dict[str, int]]


def fetch_daily_report(registrar_url: str, token: str, days: DayRange) -> RegistrarDailyReport:
    query = {"from": days.first.isoformat(), "to": days.last.isoformat()}
    try:
        answer = get_json(
            registrar_url,
            "/api/admin/reports/daily",
            token=token,
            timeout=REPORT_TIMEOUT_SECONDS,
            query=query,
        )
    except ServiceRefused as exc:
        raise RegistrarReportError(
            f"the registrar answered {exc.status} for {exc.url}: {exc.error_message}"
        ) from None
    except ServiceUnavailable as exc:
        raise RegistrarReportError(
            f"cannot read the registrar's report at {exc.url}: {exc.reason}"
        ) from None
    return RegistrarDailyReport(
        int(answer["school_id"]),
        answer["timezone"],
        {date.fromisoformat(row.pop("day")): row for row in answer["days"]},
    )
