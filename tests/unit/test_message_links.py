"""Bearer links in messages: placeholders while the message is stored, signed links under
EDQUILL_PUBLIC_URL in the e-mail (notifier.domain.link_placeholders,
notifier.service_layer.message_links)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from notifier.domain.confirmation_links import ConfirmationLink, read_confirmation_token
from notifier.domain.link_placeholders import (
    UNSUBSCRIBE_PLACEHOLDER,
    autopay_placeholder,
    confirmation_placeholder,
    family_placeholder,
    fill_links,
    invitation_placeholder,
    without_signed_links,
    workspace_placeholder,
)
from notifier.domain.rendering import Renderer, TemplateSource
from notifier.domain.unsubscribe_links import read_unsubscribe_token
from notifier.service_layer.message_links import MessageLinks
from shared.config import development_settings
from shared.family_links import AutopayLink, read_autopay_link
from shared.signing import KeyRing
from shared.staff_invitation_links import InvitationLink, read_invitation_link

EXPIRES = datetime(2026, 1, 19, 10, 0, tzinfo=timezone.utc)
SETTINGS = replace(development_settings(), public_url="https://school.example/")
KEYS = KeyRing.of(SETTINGS)


def row(text: str, html: str | None = None) -> dict:
    return {"school_id": 3, "recipient": "p@example.com", "body_text": text, "body_html": html}


def test_a_placeholder_names_the_invoice_and_expiry_and_carries_no_signature():
    placeholder = autopay_placeholder(42, EXPIRES)
    assert placeholder == f"edquill-link-autopay-42-{int(EXPIRES.timestamp())}"


def test_filling_replaces_each_placeholder_with_its_link():
    text = f"pay: {autopay_placeholder(42, EXPIRES)} stop: {UNSUBSCRIBE_PLACEHOLDER}"
    filled = fill_links(
        text,
        lambda: "U",
        lambda invoice_id, expires: f"A{invoice_id}@{expires}",
        lambda confirmation_id: f"C{confirmation_id}",
        lambda *_: "F",
        lambda _: "W",
    )
    assert filled == f"pay: A42@{EXPIRES} stop: U"


def test_the_family_placeholder_becomes_the_registrations_link():
    text = f"follow: {family_placeholder(7, EXPIRES)}"
    filled = fill_links(
        text,
        lambda: "U",
        lambda *_: "A",
        lambda _: "C",
        lambda registration_id, expires: f"F{registration_id}@{expires}",
        lambda _: "W",
    )
    assert filled == f"follow: F7@{EXPIRES}"


def test_the_workspace_placeholder_becomes_the_plain_staff_link_under_the_public_url():
    assert workspace_placeholder(7) == "edquill-link-workspace-7"
    filled = MessageLinks(SETTINGS).filled(
        row(workspace_placeholder(7), f'<a href="{workspace_placeholder(7)}">open</a>')
    )
    assert filled["body_text"] == "https://school.example/admin/registrar?registration=7"
    assert filled["body_html"] == (
        '<a href="https://school.example/admin/registrar?registration=7">open</a>'
    )


def test_the_confirmation_placeholder_becomes_its_signed_link():
    text = f"confirm: {confirmation_placeholder(17)}"
    assert confirmation_placeholder(17) == "edquill-link-confirm-17"
    assert (
        fill_links(
            text,
            lambda: "U",
            lambda *_: "A",
            lambda confirmation_id: f"C{confirmation_id}",
            lambda *_: "F",
            lambda _: "W",
        )
        == "confirm: C17"
    )


def test_the_sent_confirmation_link_is_under_the_public_url_and_reads_back():
    filled = MessageLinks(SETTINGS).filled(row(confirmation_placeholder(17)))
    path = filled["body_text"].removeprefix("https://school.example")
    assert path.startswith("/unsubscribe/resubscribe/")
    assert read_confirmation_token(
        KeyRing.of(SETTINGS), path.rsplit("/", 1)[1]
    ) == ConfirmationLink(3, 17)


def test_text_without_placeholders_is_left_as_it_is():
    assert (
        fill_links("no links here", lambda: "U", lambda *_: "A", lambda _: "C", lambda *_: "F", str)
        == "no links here"
    )
    assert fill_links(None, lambda: "U", lambda *_: "A", lambda _: "C", lambda *_: "F", str) is None


def test_the_sent_autopay_link_is_under_the_public_url_and_opens_the_invoice():
    filled = MessageLinks(SETTINGS).filled(row(autopay_placeholder(42, EXPIRES)))
    url = filled["body_text"]
    assert url.startswith("https://school.example/autopay/")
    token = url.removeprefix("https://school.example/autopay/")
    assert read_autopay_link(KEYS, token, EXPIRES.replace(day=10)) == AutopayLink(3, 42, EXPIRES)


def test_the_sent_unsubscribe_link_names_the_rows_school_and_recipient():
    filled = MessageLinks(SETTINGS).filled(row(UNSUBSCRIBE_PLACEHOLDER))
    token = filled["body_text"].removeprefix("https://school.example/unsubscribe/")
    wanted = read_unsubscribe_token(KEYS, token)
    assert (wanted.school_id, wanted.recipient) == (3, "p@example.com")


def test_the_html_body_gets_the_same_links():
    placeholder = autopay_placeholder(42, EXPIRES)
    filled = MessageLinks(SETTINGS).filled(row(placeholder, f'<a href="{placeholder}">pay</a>'))
    assert filled["body_html"] == f'<a href="{filled["body_text"]}">pay</a>'


def test_a_rendered_template_keeps_its_placeholders_whole_in_both_bodies():
    placeholder = autopay_placeholder(42, EXPIRES)
    source = TemplateSource(
        "approved",
        "Approved",
        "Pay: {{ autopay_url }}",
        '<a href="{{ autopay_url }}">Pay</a> <a href="{{ unsubscribe_url }}">Stop</a>',
        "default",
    )
    rendered = Renderer().render(
        source, {"autopay_url": placeholder, "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER}
    )
    assert placeholder in rendered.text
    assert f'href="{placeholder}"' in rendered.html
    assert f'href="{UNSUBSCRIBE_PLACEHOLDER}"' in rendered.html


def test_a_stored_signed_link_is_taken_out_of_a_context_and_a_placeholder_kept():
    placeholder = autopay_placeholder(42, EXPIRES)
    context = {
        "autopay_url": "http://127.0.0.1:8001/autopay/signed.token",
        "note": "x",
        "items": [
            {"autopay_url": "http://127.0.0.1:8001/autopay/other"},
            {"autopay_url": placeholder},
            {"autopay_url": None},
        ],
    }

    kept = without_signed_links(context)

    assert kept == {
        "autopay_url": None,
        "note": "x",
        "items": [{"autopay_url": None}, {"autopay_url": placeholder}, {"autopay_url": None}],
    }
    assert without_signed_links({"autopay_url": placeholder}) == {"autopay_url": placeholder}


def test_the_invitation_placeholder_becomes_its_signed_link_under_the_public_url():
    placeholder = invitation_placeholder(9, EXPIRES)
    assert placeholder == f"edquill-link-invitation-9-{int(EXPIRES.timestamp())}"

    filled = MessageLinks(SETTINGS).filled(row(placeholder, f'<a href="{placeholder}">set</a>'))

    url = filled["body_text"]
    assert url.startswith("https://school.example/staff/invitation/")
    token = url.removeprefix("https://school.example/staff/invitation/")
    opened = read_invitation_link(KEYS, token, EXPIRES.replace(day=10))
    assert opened == InvitationLink(3, 9, EXPIRES)
    assert filled["body_html"] == f'<a href="{url}">set</a>'
