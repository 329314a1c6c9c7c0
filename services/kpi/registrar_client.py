"""The registrar's own daily counts, over HTTP (GET /api/admin/reports/daily), for the
reconciliation: what its tables say happened on each of a school's local days."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date

from shared.local_days import DayRange

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
    query = urllib.parse.urlencode({"from": days.first.isoformat(), "to": days.last.isoformat()})
    url = f"{registrar_url.rstrip('/')}/api/admin/reports/daily?{query}"
    request = urllib.request.Request(url, headers={"Accesstoken": token,
                                                   "Accept": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=REPORT_TIMEOUT_SECONDS) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as exc:
        raise RegistrarReportError(f"the registrar answered {exc.code} for {url}: "
                                   f"{_error_message(exc)}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise RegistrarReportError(f"cannot read the registrar's report at {url}: {exc}"
                                   ) from None
    return RegistrarDailyReport(
        int(answer["school_id"]), answer["timezone"],
        {date.fromisoformat(row.pop("day")): row for row in answer["days"]})


def _error_message(exc: urllib.error.HTTPError) -> str:
    try:
        return json.load(exc)["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return exc.reason or "no message"
