"""Comparing the KPI figures of a range of days with the registrar's own counts of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping

from kpi.domain.figures import COUNT_FIELDS, REVENUE_FIELDS, DayFigures

# Every figure both sides can count; the median is derived, so it follows when these agree.
RECONCILED_FIGURES = (*COUNT_FIELDS, *REVENUE_FIELDS)


@dataclass(frozen=True)
class Difference:
    day: date
    figure: str
    kpi: int
    registrar: int

    def __str__(self) -> str:
        return (
            f"{self.day.isoformat()} {self.figure}: kpi={self.kpi} "
            f"registrar={self.registrar} ({self.kpi - self.registrar:+d})"
        )


def flat_figures(figures: DayFigures) -> dict[str, int]:
    """A day's reconciled figures by name, zero where the day has no row."""
    flat = dict.fromkeys(RECONCILED_FIGURES, 0)
    for part, names in ((figures.marketing, COUNT_FIELDS), (figures.revenue, REVENUE_FIELDS)):
        if part is not None:
            flat.update({name: getattr(part, name) for name in names})
    return flat


def differences(
    days: Iterable[date],
    kpi: Mapping[date, Mapping[str, int]],
    registrar: Mapping[date, Mapping[str, int]],
) -> list[Difference]:
    """Every figure of every day on which the two sides disagree (a missing day counts zero)."""
    found = []
    for day in days:
        ours, theirs = kpi.get(day, {}), registrar.get(day, {})
        for figure in RECONCILED_FIGURES:
            mine, other = int(ours.get(figure, 0)), int(theirs.get(figure, 0))
            if mine != other:
                found.append(Difference(day, figure, mine, other))
    return found
