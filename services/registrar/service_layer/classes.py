"""Adding the school's teachers and weekly classes: each in its own transaction, with its
audit entry."""

from __future__ import annotations

from registrar.adapters import classes_store
from shared.db import transaction


def add_teacher(connection, school_id: int, name: str, email: str | None, actor: str) -> int:
    """The new teacher's id."""
    with transaction(connection) as cursor:
        return classes_store.create_teacher(cursor, school_id, name, email, actor)


def add_schedule(connection, school_id: int, fields: dict, actor: str) -> int:
    """The new class's id. Raises NotFound for another school's teacher and InvalidInput
    for a slot that cannot be."""
    with transaction(connection) as cursor:
        return classes_store.create_schedule(cursor, school_id, fields, actor)
