"""What the families' pages show of a school: its name, as the notifier's directory has it."""

from __future__ import annotations

from notifier.adapters import school_store


def school_name(connection, school_id: int) -> str | None:
    with connection.cursor() as cursor:
        return school_store.school_name(cursor, school_id)


def school_language(connection, school_id: int) -> str | None:
    """The school's default language: what its families read when their browser says none."""
    with connection.cursor() as cursor:
        return school_store.school_default_language(cursor, school_id)
