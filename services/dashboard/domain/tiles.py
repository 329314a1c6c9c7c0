"""The dashboard's tiles: each figure of the period beside the same figure of the period before,
and the change between them.

`change` is value - previous in the tile's own unit (leads, hours, minor units; for a rate, the
difference of the two rates); `change_ratio` is that change relative to previous (0.25 = 25 %
more), None when previous is 0 or unknown. A tile whose figure could not be had fresh is marked
stale; its value may then be an older answer, or None.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Mapping

Number = int | float


@dataclass(frozen=True)
class TileSpec:
    key: str
    label: str
    # "count", "ratio" (0.25 = 25 %), "hours" or "minor_units" (of the school's currency).
    unit: str
    # Where the figure comes from: the KPI service, or the dashboard's own tables.
    source: str


KPI, OWN = "kpi", "own"

TILE_SPECS: tuple[TileSpec, ...] = (
    TileSpec("leads", "Leads", "count", KPI),
    TileSpec("enrollments", "Enrollments", "count", KPI),
    TileSpec("conversion_rate", "Conversion rate", "ratio", KPI),
    TileSpec("pending_review", "Pending review", "count", OWN),
    TileSpec("waiting_on_family", "Waiting on families", "count", OWN),
    TileSpec("median_hours_to_decision", "Median time to decision", "hours", KPI),
    TileSpec("invoiced_minor", "Invoiced", "minor_units", KPI),
    TileSpec("collected_minor", "Collected", "minor_units", KPI),
)
KPI_TILE_KEYS = tuple(spec.key for spec in TILE_SPECS if spec.source == KPI)

# Places kept per unit: a rate to the hundredth of a percent, hours to 36 seconds (as the KPI
# service rounds them); counts and amounts are whole.
_PLACES = {"ratio": Decimal("0.0001"), "hours": Decimal("0.01")}
# A relative change is shown to the tenth of a percent.
RATIO_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    unit: str
    value: Number | None
    previous: Number | None
    change: Number | None
    change_ratio: float | None
    stale: bool
    currency: str | None = None


def change_between(
    value: Number | None, previous: Number | None, unit: str = "count"
) -> tuple[Number | None, float | None]:
    """(value - previous, that relative to previous); None where it cannot be said."""
    if value is None or previous is None:
        return None, None
    change = _rounded(Decimal(str(value)) - Decimal(str(previous)), unit)
    if previous == 0:
        return change, None
    ratio = (Decimal(str(change)) / Decimal(str(previous))).quantize(RATIO_PLACES, ROUND_HALF_EVEN)
    return change, float(ratio)


def build_tiles(
    current: Mapping[str, Number | None],
    previous: Mapping[str, Number | None],
    stale_keys: set[str] | frozenset[str],
    currency: str,
) -> list[Tile]:
    """One tile per TILE_SPECS entry, in that order; a figure absent from `current` is None."""
    tiles = []
    for spec in TILE_SPECS:
        value, before = current.get(spec.key), previous.get(spec.key)
        change, ratio = change_between(value, before, spec.unit)
        tiles.append(
            Tile(
                spec.key,
                spec.label,
                spec.unit,
                value,
                before,
                change,
                ratio,
                spec.key in stale_keys,
                currency if spec.unit == "minor_units" else None,
            )
        )
    return tiles


def _rounded(amount: Decimal, unit: str) -> Number:
    places = _PLACES.get(unit)
    if places is None:
        return int(amount)
    return float(amount.quantize(places, ROUND_HALF_EVEN))
