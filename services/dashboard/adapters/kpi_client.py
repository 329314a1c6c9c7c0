"""The KPI service over HTTP (/api/kpi/overview): a school's figures for a period and for the
period before it, and the period's daily leads and enrollments, in one call, read into plain
values (a malformed answer fails here, in the call, like no answer). The token's school is the
one answered for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dashboard.domain.periods import Period
from dashboard.domain.tiles import KPI_TILE_KEYS, Number
from shared.service_client import ServiceUnavailable, get_json

Figures = dict[str, Number | None]


@dataclass(frozen=True)
class TrendDay:
    day: date
    leads: int
    enrollments: int


@dataclass(frozen=True)
class KpiOverview:
    # The figures behind the KPI tiles (leads, enrollments, conversion_rate,
    # median_hours_to_decision, invoiced_minor, collected_minor): the period's and the
    # previous period's (as long, just before it).
    figures: Figures
    previous_figures: Figures
    # Every day of the period.
    trend: list[TrendDay]


class KpiClient:
    def __init__(self, kpi_url: str, timeout_seconds: float):
        self._url, self._timeout = kpi_url, timeout_seconds

    def overview(self, token: str, period: Period) -> KpiOverview:
        """The period's figures, the previous period's and the period's trend."""
        answer = get_json(
            self._url,
            "/api/kpi/overview",
            token=token,
            timeout=self._timeout,
            query={"from": period.first.isoformat(), "to": period.last.isoformat()},
        )
        expected = period.previous()
        try:
            previous = answer["previous"]
            # The tiles compare with the dashboard's own idea of the period before.
            if (previous["from"], previous["to"]) != (
                expected.first.isoformat(),
                expected.last.isoformat(),
            ):
                raise ValueError(f"the previous period is {previous['from']}..{previous['to']}")
            return KpiOverview(
                _figures(answer["summary"]),
                _figures(previous),
                [
                    TrendDay(
                        date.fromisoformat(day["day"]), int(day["leads"]), int(day["enrollments"])
                    )
                    for day in answer["trend"]
                ],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ServiceUnavailable(f"/api/kpi/overview answer not understood: {exc!r}") from None


def _figures(answer) -> Figures:
    return {key: _number(answer[key]) for key in KPI_TILE_KEYS}


def _number(value) -> Number | None:
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    raise TypeError(f"not a number: {value!r}")
