"""A school's rail targets: the hours a lead, a needs_info request and an approval may wait
before they show on the action rail, as the school chose them or the defaults."""

from __future__ import annotations

from datetime import datetime

from dashboard.adapters import school_store
from dashboard.domain.rail import Targets
from shared import db


def current_targets(connection, school_id: int, defaults: Targets) -> tuple[Targets, bool]:
    """The school's targets and whether it chose them (else `defaults`)."""
    with connection.cursor() as cursor:
        return school_store.targets(cursor, school_id, defaults)


def save_targets(connection, school_id: int, chosen: Targets, now: datetime) -> None:
    """Replace the school's targets (checked by the caller: the API's schema, the page's form)."""
    with db.transaction(connection) as cursor:
        school_store.save_targets(cursor, school_id, chosen, now)
