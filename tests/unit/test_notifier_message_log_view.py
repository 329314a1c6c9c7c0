"""The message log as the admin page reads it: what a search is for, cursors that only this
API gives out, each message's reason in words, and the line a template fails at."""

from __future__ import annotations

from datetime import datetime

import pytest

from notifier.domain.message_log_view import (
    InvalidCursor,
    Search,
    decode_cursor,
    encode_cursor,
    reason_for,
)
from notifier.domain.rendering import Renderer, TemplateSource


def test_a_number_searches_a_registration_and_anything_else_an_address_start():
    assert Search.of(" 123 ") == Search(registration_id=123)
    assert Search.of("Grace@Families") == Search(address_prefix="grace@families")
    assert Search.of("") == Search()
    assert Search.of("١٢٣") == Search(address_prefix="١٢٣")  # digits, but not a number we keep


def test_a_cursor_gives_back_the_id_it_was_made_from():
    assert decode_cursor(encode_cursor(4711)) == 4711


@pytest.mark.parametrize("token", ["", "bm9wZQ", encode_cursor(1)[:-2], "WyJsZWFkcyIsNV0"])
def test_a_cursor_the_api_did_not_give_out_is_refused(token):
    with pytest.raises(InvalidCursor):
        decode_cursor(token)


def test_a_held_message_says_until_when():
    held = {"status": "held", "error": None, "hold_until": datetime(2026, 1, 15, 13, 0)}

    assert reason_for(held) == (
        "Held through the school's quiet hours; it goes at 2026-01-15 13:00 UTC."
    )


def test_a_failed_or_suppressed_message_gives_its_stored_reason_and_a_sent_one_none():
    assert reason_for({"status": "failed", "error": "recipient refused: 550"}) == (
        "recipient refused: 550"
    )
    assert reason_for({"status": "suppressed", "error": "no consent for reminders"}) == (
        "no consent for reminders"
    )
    assert reason_for({"status": "sent", "error": None}) is None
    assert reason_for({"status": "collapsed", "error": None, "collapsed_into": 9}).endswith(
        "(message 9)."
    )


@pytest.mark.parametrize(
    "text, line",
    [
        ("Hello\n{{ name }", 2),
        ("a\nb\n{{ 1 / 0 }}", 3),
        ("a\n{% for i in range(100000) %}{% endfor %}", 2),
    ],
    ids=["syntax", "runtime", "limit"],
)
def test_a_failing_template_names_its_line(text, line):
    failures = Renderer().failures(TemplateSource("k", "Hi", text, "<p>Hi</p>", "school"), {})

    assert set(failures) == {"text"}
    assert failures["text"].line == line
