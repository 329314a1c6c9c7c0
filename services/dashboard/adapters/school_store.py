"""The dashboard's schools in MySQL: its directory (t_dashboard_school, kept from school events
and the school snapshot registration events carry) and each school's rail targets
(t_dashboard_school_settings)."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from dashboard.domain.rail import Targets
from shared.events import Event

# t_dashboard_school's widths: a longer value in a school event is cut to fit.
NAME_LENGTH = 200
TIMEZONE_LENGTH = 64


def record_school(cursor, event: Event) -> None:
    """Insert or update a school from a school.* event; older news changes nothing."""
    payload = event.payload
    # MySQL applies the assignments left to right: changed_at comes last, so the others still
    # compare against the stored value.
    cursor.execute(
        "INSERT INTO t_dashboard_school (school_id, name, timezone, changed_at) "
        "VALUES (%s, %s, %s, %s) ON DUPLICATE KEY UPDATE "
        "name = IF(VALUES(changed_at) >= changed_at, VALUES(name), name), "
        "timezone = IF(VALUES(changed_at) >= changed_at, VALUES(timezone), timezone), "
        "changed_at = GREATEST(changed_at, VALUES(changed_at))",
        (
            int(payload["school_id"]),
            str(payload["name"])[:NAME_LENGTH],
            str(payload["timezone"])[:TIMEZONE_LENGTH],
            event.occurred_at.replace(tzinfo=None),
        ),
    )


def school_timezone(cursor, school_id: int) -> str | None:
    cursor.execute("SELECT timezone FROM t_dashboard_school WHERE school_id = %s", (school_id,))
    row = cursor.fetchone()
    return row["timezone"] if row else None


def school_timezones(cursor, school_ids: Iterable[int]) -> dict[int, str]:
    """The time zones of these schools that are known (one statement)."""
    wanted = sorted(set(school_ids))
    if not wanted:
        return {}
    cursor.execute(
        f"SELECT school_id, timezone FROM t_dashboard_school WHERE school_id IN "
        f"({', '.join(['%s'] * len(wanted))})",
        wanted,
    )
    return {row["school_id"]: row["timezone"] for row in cursor.fetchall()}


def school_name(cursor, school_id: int) -> str | None:
    cursor.execute("SELECT name FROM t_dashboard_school WHERE school_id = %s", (school_id,))
    row = cursor.fetchone()
    return row["name"] if row else None


def targets(cursor, school_id: int, defaults: Targets) -> tuple[Targets, bool]:
    """The school's targets and whether it chose them (else the defaults)."""
    cursor.execute(
        "SELECT lead_wait_hours, needs_info_wait_hours, approved_wait_hours "
        "FROM t_dashboard_school_settings WHERE school_id = %s",
        (school_id,),
    )
    row = cursor.fetchone()
    if row is None:
        return defaults, False
    return Targets(
        int(row["lead_wait_hours"]),
        int(row["needs_info_wait_hours"]),
        int(row["approved_wait_hours"]),
    ), True


def save_targets(cursor, school_id: int, chosen: Targets, now: datetime) -> None:
    cursor.execute(
        "INSERT INTO t_dashboard_school_settings (school_id, lead_wait_hours, "
        "needs_info_wait_hours, approved_wait_hours, updated_at) VALUES (%s, %s, %s, %s, %s) "
        "ON DUPLICATE KEY UPDATE lead_wait_hours = VALUES(lead_wait_hours), "
        "needs_info_wait_hours = VALUES(needs_info_wait_hours), "
        "approved_wait_hours = VALUES(approved_wait_hours), updated_at = VALUES(updated_at)",
        (
            school_id,
            chosen.lead_wait_hours,
            chosen.needs_info_wait_hours,
            chosen.approved_wait_hours,
            now.replace(tzinfo=None),
        ),
    )
