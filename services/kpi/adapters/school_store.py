"""The KPI service's directory of schools in MySQL (t_kpi_school), kept from school.created
and school.updated events: a school's time zone places its events on local days, its currency
prices them."""

from __future__ import annotations

from typing import Iterable, Sequence

from kpi.domain.ledger import School, SchoolProfile
from shared.db import placeholders


def record_profiles(cursor, profiles: Sequence[SchoolProfile]) -> None:
    """Insert or update schools (one statement); news older than what is stored changes
    nothing."""
    if not profiles:
        return
    # MySQL applies the assignments left to right: changed_at must come last, so the others
    # still compare against the stored value. pymysql sends the rows as one multi-row INSERT.
    cursor.executemany(
        "INSERT INTO t_kpi_school (school_id, name, slug, timezone, currency, changed_at) "
        "VALUES (%s, %s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE "
        "name = IF(VALUES(changed_at) >= changed_at, VALUES(name), name), "
        "slug = IF(VALUES(changed_at) >= changed_at, VALUES(slug), slug), "
        "timezone = IF(VALUES(changed_at) >= changed_at, VALUES(timezone), timezone), "
        "currency = IF(VALUES(changed_at) >= changed_at, VALUES(currency), currency), "
        "changed_at = GREATEST(changed_at, VALUES(changed_at))",
        [
            (
                profile.school_id,
                profile.name,
                profile.slug,
                profile.timezone,
                profile.currency,
                profile.changed_at,
            )
            for profile in profiles
        ],
    )


def schools_by_id(cursor, school_ids: Iterable[int]) -> dict[int, School]:
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    cursor.execute(
        "SELECT school_id, timezone, currency FROM t_kpi_school "
        f"WHERE school_id IN ({placeholders(len(ids))})",
        ids,
    )
    return {
        row["school_id"]: School(row["school_id"], row["timezone"], row["currency"])
        for row in cursor.fetchall()
    }


def all_schools(cursor) -> list[School]:
    cursor.execute("SELECT school_id, timezone, currency FROM t_kpi_school ORDER BY school_id")
    return [School(row["school_id"], row["timezone"], row["currency"]) for row in cursor.fetchall()]
