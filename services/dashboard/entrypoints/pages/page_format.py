"""How the page writes figures for people: counts, rates, hours, money, changes and ages.
Plain functions, no Flask."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from dashboard.domain.tiles import Tile
from shared.money import format_money

NOT_AVAILABLE = "—"


def count(value: int | None) -> str:
    return NOT_AVAILABLE if value is None else f"{value:,}"


def money(minor: int | None, currency: str | None) -> str:
    return NOT_AVAILABLE if minor is None else format_money(minor, currency)


def tile_value(tile: Tile) -> str:
    if tile.value is None:
        return NOT_AVAILABLE
    if tile.unit == "ratio":
        return f"{_percent(tile.value)} %"
    if tile.unit == "hours":
        return f"{tile.value:,.1f} h"
    if tile.unit == "minor_units":
        return money(tile.value, tile.currency)
    return count(tile.value)


def tile_change(tile: Tile) -> str:
    """E.g. "+12 (+25.0 %)", "−3.1 points", "no change"; "" when there is nothing to compare."""
    if tile.change is None:
        return ""
    if tile.change == 0:
        return "no change"
    sign = "+" if tile.change > 0 else "−"
    if tile.unit == "ratio":
        return f"{sign}{_percent(abs(tile.change))} points"
    if tile.unit == "hours":
        magnitude = f"{abs(tile.change):,.1f} h"
    elif tile.unit == "minor_units":
        magnitude = money(abs(tile.change), tile.currency)
    else:
        magnitude = f"{abs(tile.change):,}"
    if tile.change_ratio is None:
        return f"{sign}{magnitude}"
    return f"{sign}{magnitude} ({sign}{_percent(abs(tile.change_ratio))} %)"


def change_direction(tile: Tile) -> str:
    """ "up", "down" or "flat", for an arrow beside the change."""
    if not tile.change:
        return "flat"
    return "up" if tile.change > 0 else "down"


def age(since: datetime, now: datetime) -> str:
    """How long ago, in the largest whole unit: "3 days", "5 hours", "12 minutes"."""
    waited = max(now - since, timedelta(0))
    for unit, seconds in (("day", 86400), ("hour", 3600), ("minute", 60)):
        amount = int(waited.total_seconds() // seconds)
        if amount >= 1:
            return f"{amount} {unit}{'' if amount == 1 else 's'}"
    return "less than a minute"


def local_time(moment: datetime, tz: ZoneInfo) -> str:
    """E.g. "12 Nov 2026, 09:30 EST"."""
    local = moment.astimezone(tz)
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname() or ''}".strip()


def day(value: date) -> str:
    """E.g. "3 Nov 2026"."""
    return f"{value.day} {value:%b %Y}"


def period(first: date, last: date) -> str:
    return day(first) if first == last else f"{day(first)} – {day(last)}"


def _percent(ratio: float) -> str:
    return f"{Decimal(str(ratio)) * 100:,.1f}"
