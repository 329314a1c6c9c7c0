"""Signed, expiring autopay links and the CSRF token of their form."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from registrar.domain.autopay_links import csrf_token, csrf_valid
from shared.family_links import (
    AUTOPAY_LINK_LIFETIME,
    AutopayLink,
    ExpiredLink,
    InvalidLink,
    link_expiry,
    read_autopay_link,
    sign_autopay_link,
)
from shared.signing import KeyRing

SECRET = KeyRing(("a-secret-of-sufficient-length",))
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
LINK = AutopayLink(school_id=3, invoice_id=42, expires_at=NOW + timedelta(days=14))


def test_a_signed_link_reads_back():
    assert read_autopay_link(SECRET, sign_autopay_link(SECRET, LINK), NOW) == LINK


def test_the_same_link_signs_the_same_way():
    assert sign_autopay_link(SECRET, LINK) == sign_autopay_link(SECRET, LINK)


def test_a_link_stops_working_at_its_expiry():
    with pytest.raises(ExpiredLink):
        read_autopay_link(SECRET, sign_autopay_link(SECRET, LINK), LINK.expires_at)


def test_a_link_works_until_just_before_its_expiry():
    token = sign_autopay_link(SECRET, LINK)
    assert read_autopay_link(SECRET, token, LINK.expires_at - timedelta(seconds=1))


def test_a_link_signed_with_another_secret_is_invalid():
    with pytest.raises(InvalidLink):
        read_autopay_link(
            SECRET, sign_autopay_link(KeyRing(("another-secret-entirely",)), LINK), NOW
        )


def test_a_tampered_link_is_invalid():
    token = sign_autopay_link(SECRET, LINK)
    payload, signature = token.rsplit(".", 1)
    with pytest.raises(InvalidLink):
        read_autopay_link(SECRET, payload + "x." + signature, NOW)


def test_a_link_cannot_be_moved_to_another_invoice():
    other = sign_autopay_link(SECRET, AutopayLink(3, 43, LINK.expires_at))
    forged = sign_autopay_link(SECRET, LINK).split(".")[0] + "." + other.split(".")[1]
    with pytest.raises(InvalidLink):
        read_autopay_link(SECRET, forged, NOW)


def test_garbage_is_an_invalid_link():
    with pytest.raises(InvalidLink):
        read_autopay_link(SECRET, "not-a-link", NOW)


def test_a_link_expires_a_fixed_lifetime_after_it_is_issued_to_the_second():
    issued = datetime(2026, 11, 25, 12, 0, 0, 123456, tzinfo=timezone.utc)
    assert link_expiry(issued) == datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc) + (
        AUTOPAY_LINK_LIFETIME
    )


def test_a_csrf_token_made_for_the_nonce_and_link_is_valid():
    token = csrf_token(SECRET, "nonce-1", "link-a")
    assert csrf_valid(SECRET, "nonce-1", "link-a", token)


def test_a_csrf_token_is_invalid_with_another_nonce():
    assert not csrf_valid(SECRET, "nonce-2", "link-a", csrf_token(SECRET, "nonce-1", "link-a"))


def test_a_csrf_token_is_invalid_for_another_link():
    assert not csrf_valid(SECRET, "nonce-1", "link-b", csrf_token(SECRET, "nonce-1", "link-a"))


@pytest.mark.parametrize("nonce, submitted", [(None, "x"), ("nonce-1", None), ("", "")])
def test_a_missing_nonce_or_token_is_invalid(nonce, submitted):
    assert not csrf_valid(SECRET, nonce, "link-a", submitted)
