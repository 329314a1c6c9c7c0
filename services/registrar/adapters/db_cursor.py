"""`cursor_from`: functions other modules call with either a connection or a cursor (the
detail page passes its connection; a transaction passes its cursor)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator


@contextmanager
def cursor_from(cursor_or_connection) -> Iterator:
    if hasattr(cursor_or_connection, "cursor"):
        with cursor_or_connection.cursor() as cursor:
            yield cursor
    else:
        yield cursor_or_connection
