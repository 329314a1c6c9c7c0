"""The school's audit trail read a page at a time, newest first, narrowed to a registration,
a person (the actor as the trail names it) or an action; paged by an opaque cursor like the
lead queue (registrar.domain.cursors), continuing before the last entry shown."""

from __future__ import annotations

from dataclasses import dataclass

from registrar.adapters import audit_store
from registrar.domain.cursors import Cursor, InvalidCursor, decode_cursor, encode_cursor
from shared.errors import InvalidInput

# The cursor's sort name: the trail has one order.
NEWEST_FIRST = "-id"


@dataclass(frozen=True)
class TrailQuery:
    school_id: int
    limit: int
    registration_id: int | None = None
    actor: str | None = None
    action: str | None = None
    cursor: str | None = None


def trail_page(connection, query: TrailQuery) -> dict:
    """{"items": [...], "next_cursor": str | None, "limit": n}; a cursor this API did not give
    out is refused as invalid input naming `cursor`."""
    before_id = _position(query.cursor)
    with connection.cursor() as cursor:
        rows = audit_store.trail_page(
            cursor,
            query.school_id,
            limit=query.limit,
            registration_id=query.registration_id,
            actor=query.actor,
            action=query.action,
            before_id=before_id,
        )
    items, more = rows[: query.limit], len(rows) > query.limit
    last = items[-1] if items else None
    next_cursor = (
        encode_cursor(Cursor(NEWEST_FIRST, last["created_at"], last["id"])) if more else None
    )
    return {"items": items, "next_cursor": next_cursor, "limit": query.limit}


def trail_actions(connection, school_id: int) -> list[str]:
    with connection.cursor() as cursor:
        return audit_store.trail_actions(cursor, school_id)


def _position(token: str | None) -> int | None:
    if not token:
        return None
    try:
        cursor = decode_cursor(token)
    except InvalidCursor as exc:
        raise InvalidInput.of_field("cursor", str(exc)) from None
    if cursor.sort != NEWEST_FIRST:
        raise InvalidInput.of_field("cursor", "not a cursor of the audit trail")
    return cursor.id
