"""The KPI service over HTTP (/api/kpi): a school's figures for a period, and its daily series,
read into plain values (a malformed answer fails here, in the call, like no answer). The
token's school is the one answered for."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dashboard.domain.periods import Period
from dashboard.domain.tiles import KPI_TILE_KEYS, Number
from dashboard.http_json import ServiceUnavailable, get_json


@dataclass(frozen=True)
class TrendDay:
    day: date
    leads: int
    enrollments: int


class KpiClient:
    def __init__(self, kpi_url: str, timeout_seconds: float):
        self._url, self._timeout = kpi_url, timeout_seconds

    def summary(self, token: str, period: Period) -> dict[str, Number | None]:
        """The period's figures behind the KPI tiles: leads, enrollments, conversion_rate,
        median_hours_to_decision, invoiced_minor, collected_minor."""
        answer = get_json(self._url, "/api/kpi/summary", _days(period), token, self._timeout)
        try:
            return {key: _number(answer[key]) for key in KPI_TILE_KEYS}
        except (KeyError, TypeError, ValueError) as exc:
            raise ServiceUnavailable(f"/api/kpi/summary answer not understood: {exc!r}") from None

    def daily(self, token: str, period: Period) -> list[TrendDay]:
        """Every day of the period: its leads and enrollments."""
        answer = get_json(self._url, "/api/kpi/daily", _days(period), token, self._timeout)
        try:
            return [TrendDay(date.fromisoformat(day["day"]), int(day["leads"]),
                             int(day["enrollments"])) for day in answer["days"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise ServiceUnavailable(f"/api/kpi/daily answer not understood: {exc!r}") from None


def _days(period: Period) -> dict:
    return {"from": period.first.isoformat(), "to": period.last.isoformat()}


def _number(value) -> Number | None:
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    raise TypeError(f"not a number: {value!r}")
