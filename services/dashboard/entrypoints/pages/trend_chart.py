"""The trends chart's geometry: daily leads and enrollments as two lines in an SVG viewBox, with
a y scale, a few day labels and a one-paragraph summary for people who cannot see it. Pure:
the template draws what this returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from dashboard.entrypoints.pages.page_format import day as day_text

# The viewBox; the SVG scales to its container's width.
WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28
# Points get a marker when there are few enough to tell apart.
MARKERS_UP_TO = 31


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    points: str  # "x,y x,y ..." for <polyline>
    markers: tuple[tuple[float, float], ...]
    total: int
    peak: int
    peak_day: date | None


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    lines: tuple[Line, ...]
    summary: str


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is at least `value` (and at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def trend_chart(days: Sequence[date], series: dict[str, tuple[str, Sequence[int]]]) -> Chart:
    """`series`: {key: (label, one value per day)}."""
    top = nice_ceiling(max([1, *(max(values, default=0) for _label, values in series.values())]))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index: int) -> float:
        return round(
            LEFT + (plot_width * index / (len(days) - 1) if len(days) > 1 else plot_width / 2), 1
        )

    def y(value: int) -> float:
        return round(TOP + plot_height * (1 - value / top), 1)

    lines = []
    for key, (label, values) in series.items():
        coordinates = tuple((x(index), y(value)) for index, value in enumerate(values))
        peak = max(values, default=0)
        lines.append(
            Line(
                key,
                label,
                " ".join(f"{cx},{cy}" for cx, cy in coordinates),
                coordinates if len(values) <= MARKERS_UP_TO else (),
                sum(values),
                peak,
                days[list(values).index(peak)] if values and peak else None,
            )
        )
    y_ticks = tuple(Tick(y(value), f"{value:,}") for value in sorted({0, top // 2, top}))
    x_ticks = (
        tuple(
            Tick(x(index), day_text(days[index]))
            for index in sorted({0, (len(days) - 1) // 2, len(days) - 1})
        )
        if days
        else ()
    )
    return Chart(
        WIDTH,
        HEIGHT,
        LEFT,
        WIDTH - RIGHT,
        TOP,
        HEIGHT - BOTTOM,
        y_ticks,
        x_ticks,
        tuple(lines),
        _summary(days, lines),
    )


def _summary(days: Sequence[date], lines: list[Line]) -> str:
    if not days:
        return "No days to show."
    sentences = []
    for line in lines:
        if line.total == 0:
            sentences.append(f"{line.label}: none.")
        else:
            sentences.append(
                f"{line.label}: {line.total:,} in all, most on "
                f"{day_text(line.peak_day)} ({line.peak:,})."
            )
    return " ".join(sentences)
