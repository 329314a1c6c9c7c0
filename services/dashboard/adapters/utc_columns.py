"""Times in the dashboard's tables: DATETIME(6) columns hold UTC without a zone; Python code
uses aware UTC datetimes."""

from __future__ import annotations

from datetime import datetime

from shared.local_days import as_utc


def to_column(moment: datetime | None) -> datetime | None:
    """UTC without tzinfo, as the tables hold it."""
    return None if moment is None else as_utc(moment).replace(tzinfo=None)


def from_column(moment: datetime | None) -> datetime | None:
    return None if moment is None else as_utc(moment)
