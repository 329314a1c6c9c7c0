"""The school's message log as the registrar's History tab and the messages page read it:
newest first, a page at a time (each page says where the next one starts), filtered by status,
registration or the family's address, each message with why it is where it is."""

from __future__ import annotations

from notifier.adapters import message_log_store
from notifier.domain.message_log_view import (
    InvalidCursor,
    Search,
    decode_cursor,
    encode_cursor,
    reason_for,
)
from shared.errors import InvalidInput, NotFound


def message_page(
    connection,
    school_id: int,
    *,
    registration_id: int | None,
    status: str | None,
    before_id: int | None,
    limit: int,
    search: Search = Search(),
    cursor: str | None = None,
) -> dict:
    """One page; `cursor` (a page's next_cursor) and `before_id` (the older form of it, an
    id) both say where it starts, the cursor first."""
    if cursor:
        before_id = _position(cursor)
    if search.registration_id is not None:
        if registration_id not in (None, search.registration_id):
            return {"messages": [], "next_before_id": None, "next_cursor": None}
        registration_id = search.registration_id
    rows = message_log_store.list_messages(
        connection,
        school_id,
        registration_id=registration_id,
        status=status,
        before_id=before_id,
        limit=limit,
        address_prefix=search.address_prefix,
    )
    more = len(rows) == limit
    return {
        "messages": [with_reason(row) for row in rows],
        "next_before_id": rows[-1]["id"] if more else None,
        "next_cursor": encode_cursor(rows[-1]["id"]) if more else None,
    }


def one_message(connection, school_id: int, message_id: int) -> dict:
    row = message_log_store.message_by_id(connection, school_id, message_id)
    if row is None:
        raise NotFound(f"message {message_id}")
    return with_reason(row)


def with_reason(row: dict) -> dict:
    return {**row, "reason": reason_for(row)}


def _position(cursor: str) -> int:
    try:
        return decode_cursor(cursor)
    except InvalidCursor as exc:
        raise InvalidInput.of_field("cursor", str(exc)) from None
