"""The school's message log as the registrar's History tab reads it: newest first, a page at
a time (each page says where the next one starts)."""

from __future__ import annotations

from notifier.adapters import message_log_store


def message_page(
    connection,
    school_id: int,
    *,
    registration_id: int | None,
    status: str | None,
    before_id: int | None,
    limit: int,
) -> dict:
    rows = message_log_store.list_messages(
        connection,
        school_id,
        registration_id=registration_id,
        status=status,
        before_id=before_id,
        limit=limit,
    )
    more = len(rows) == limit
    return {"messages": rows, "next_before_id": rows[-1]["id"] if more else None}
