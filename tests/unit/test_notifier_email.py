"""The e-mail as sent: headers, both bodies, and the one-click unsubscribe (RFC 8058)."""

from datetime import datetime, timezone
from email import message_from_bytes, policy

import pytest

from notifier.adapters.email_message import build_email
from notifier.domain.unsubscribe_links import (
    read_unsubscribe_token,
    unsubscribe_path,
    unsubscribe_token,
)
from shared.signing import KeyRing

ROW = {
    "recipient": "parent@example.com",
    "subject": "Sunrise: we need a little more",
    "from_name": "Sunrise Music School",
    "message_id": "<abc123@school.example>",
    "body_text": "Dear parent,\n",
    "body_html": "<p>Dear parent,</p>",
}
NOW = datetime(2026, 1, 5, 16, 0, tzinfo=timezone.utc)


def built(**changes):
    data = build_email(
        {**ROW, **changes}, "no-reply@school.example", "https://n.example/unsubscribe/t0k", NOW
    )
    return message_from_bytes(data, policy=policy.default)


def test_the_message_carries_its_fixed_message_id_and_the_schools_name():
    message = built()
    assert message["Message-ID"] == "<abc123@school.example>"
    assert message["From"] == "Sunrise Music School <no-reply@school.example>"
    assert message["To"] == "parent@example.com"


def test_the_message_offers_one_click_unsubscribe():
    message = built()
    assert message["List-Unsubscribe"] == "<https://n.example/unsubscribe/t0k>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_message_has_a_text_and_an_html_alternative():
    message = built()
    assert message.get_body(("plain",)).get_content().strip() == "Dear parent,"
    assert message.get_body(("html",)).get_content().strip() == "<p>Dear parent,</p>"


def test_a_header_value_cannot_smuggle_in_a_header_of_its_own():
    with pytest.raises(ValueError):
        built(recipient="parent@example.com\r\nBcc: everyone@example.com")


KEYS = KeyRing(("s" * 32,))


def test_an_unsubscribe_token_reads_back_the_school_and_address():
    token = unsubscribe_token(KEYS, 7, "parent@example.com")
    wanted = read_unsubscribe_token(KEYS, token)
    assert (wanted.school_id, wanted.recipient) == (7, "parent@example.com")


def test_a_token_signed_with_another_key_or_changed_is_refused():
    token = unsubscribe_token(KEYS, 7, "parent@example.com")
    assert read_unsubscribe_token(KeyRing(("t" * 32,)), token) is None
    assert read_unsubscribe_token(KEYS, token[:-2] + "xx") is None


def test_the_unsubscribe_path_carries_the_token():
    assert unsubscribe_path(KEYS, 7, "p@example.com") == (
        "/unsubscribe/" + unsubscribe_token(KEYS, 7, "p@example.com")
    )


def test_a_subject_and_school_name_beyond_ascii_read_back_as_written():
    message = built(subject="Inscripción recibida — ¡gracias!", from_name="Escuela Añil")
    assert message["Subject"] == "Inscripción recibida — ¡gracias!"
    assert message["From"].addresses[0].display_name == "Escuela Añil"


def test_a_long_subject_reads_back_whole():
    subject = "Reminder from Sunrise Music School: we still need some information for Ada"
    assert built(subject=subject)["Subject"] == subject


def test_bodies_with_equals_signs_long_lines_and_leading_dots_read_back_as_written():
    text = "Total = 250.00 USD\n.a line starting with a dot\n" + "ñ" * 120 + "\n"
    message = built(body_text=text, body_html=f"<p>{text}</p>")

    # Read back with CRLF line ends, as SMTP carries them.
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == text
    assert message.get_body(("html",)).get_content().replace("\r\n", "\n") == f"<p>{text}</p>"
    assert not message.defects
    raw = build_email(
        {**ROW, "body_text": text}, "no-reply@school.example", "https://n.example/u/t", NOW
    )
    assert all(len(line) <= 76 for line in raw.split(b"\r\n\r\n", 1)[1].split(b"\r\n"))


def test_a_message_without_html_has_its_text_alone():
    message = built(body_html=None)

    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain"]
