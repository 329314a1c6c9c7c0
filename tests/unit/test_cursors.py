"""Opaque lead-queue cursors (no database)."""

from datetime import datetime

import pytest

from registrar.domain.cursors import Cursor, InvalidCursor, decode_cursor, encode_cursor


def test_a_cursor_survives_the_round_trip():
    cursor = Cursor("-submitted_at", datetime(2026, 3, 1, 9, 30, 5, 123456), 987654)

    assert decode_cursor(encode_cursor(cursor)) == cursor


def test_a_cursor_is_url_safe():
    token = encode_cursor(Cursor("-last_activity_at", datetime(2026, 3, 1), 1))

    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not a cursor",
        "e30",
        "WyJhIiwiYiIsMV0",
        "WyItc3VibWl0dGVkX2F0IiwiMjAyNi0wMy0wMSIsIjEiXQ",
        "WyItc3VibWl0dGVkX2F0IiwiMjAyNi0wMy0wMSIsMF0",
    ],
)
def test_anything_else_is_refused(token):
    with pytest.raises(InvalidCursor):
        decode_cursor(token)
