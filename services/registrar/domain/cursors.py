"""Opaque page cursors for keyset pagination: the last row's (sort key, id) and the sort.

A cursor is URL-safe base64 of a small JSON array. It is not signed: it carries no rights
(every query is scoped to the caller's school), only a position; a tampered cursor is either
refused as malformed or lands on another position in the caller's own queue.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    sort: str
    value: datetime
    id: int


def encode_cursor(cursor: Cursor) -> str:
    text = json.dumps([cursor.sort, cursor.value.isoformat(), cursor.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        sort, value, row_id = json.loads(raw)
        cursor = Cursor(sort, datetime.fromisoformat(value), row_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise InvalidCursor("not a cursor this API gave out") from None
    if (
        not isinstance(cursor.sort, str)
        or not isinstance(cursor.id, int)
        or isinstance(cursor.id, bool)
        or cursor.id < 1
    ):
        raise InvalidCursor("not a cursor this API gave out")
    return cursor
