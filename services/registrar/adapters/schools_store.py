"""Schools: the tenant every other row belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from registrar.domain.school_settings import SchoolSettings


@dataclass(frozen=True)
class School:
    id: int
    name: str
    slug: str
    timezone: str
    currency: str
    # What a family reads when it has not chosen (shared.locales.choose_language).
    default_language: str = "en"


_COLUMNS = "id, name, slug, timezone, currency, default_language"


def create_school(
    connection,
    name: str,
    slug: str,
    timezone: str = "UTC",
    currency: str = "USD",
    default_language: str = "en",
) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO schools (name, slug, timezone, currency, default_language, created_at) "
            "VALUES (%s, %s, %s, %s, %s, UTC_TIMESTAMP(6))",
            (name, slug, timezone, currency, default_language),
        )
        return cursor.lastrowid


def school_by_slug(connection, slug: str) -> School | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_COLUMNS} FROM schools WHERE slug = %s", (slug,))
        record = cursor.fetchone()
    return School(**record) if record else None


def all_schools(connection) -> list[School]:
    """Every school, oldest first: for an operator's listing, not for a request (no scope)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_COLUMNS} FROM schools ORDER BY id")
        return [School(**record) for record in cursor.fetchall()]


def school_by_id(connection, school_id: int) -> School | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_COLUMNS} FROM schools WHERE id = %s", (school_id,))
        record = cursor.fetchone()
    return School(**record) if record else None


def set_seat_offer_hours(connection, school_id: int, hours: int) -> bool:
    """How long a seat freed in a full class is held for the family offered it (offers made
    before keep theirs); False when there is no such school."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE schools SET seat_offer_hours = %s WHERE id = %s", (hours, school_id))
        cursor.execute("SELECT id FROM schools WHERE id = %s", (school_id,))
        return cursor.fetchone() is not None


_SETTINGS = "name, timezone, currency, default_language, seat_offer_hours"


def settings_of(cursor, school_id: int, *, for_update: bool = False) -> SchoolSettings | None:
    """The school's settings; `for_update` locks its row until the transaction ends."""
    lock = " FOR UPDATE" if for_update else ""
    cursor.execute(f"SELECT {_SETTINGS} FROM schools WHERE id = %s{lock}", (school_id,))
    row = cursor.fetchone()
    return SchoolSettings(**row) if row else None


def write_settings(cursor, school_id: int, chosen: SchoolSettings) -> None:
    """Store them; the row's trigger announces a school.updated when what other services keep
    of the school (name, time zone, currency, language) changed."""
    cursor.execute(
        "UPDATE schools SET name = %s, timezone = %s, currency = %s, default_language = %s, "
        "seat_offer_hours = %s WHERE id = %s",
        (
            chosen.name,
            chosen.timezone,
            chosen.currency,
            chosen.default_language,
            chosen.seat_offer_hours,
            school_id,
        ),
    )
