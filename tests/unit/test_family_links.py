"""Family links (shared.family_links): bound to one registration of one school and to the
guardian's address, expiring, and refused when changed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from shared.family_links import (
    FAMILY_LINK_LIFETIME,
    ExpiredLink,
    FamilyLink,
    InvalidLink,
    link_expiry,
    read_autopay_link,
    read_family_link,
    sign_family_link,
)
from shared.signing import KeyRing

KEYS = KeyRing(("a-key-for-family-link-tests-only-0001",))
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
LINK = FamilyLink(4, 123, "Parent@Example.com", NOW + FAMILY_LINK_LIFETIME)


def test_a_link_reads_back_as_its_school_and_registration():
    opened = read_family_link(KEYS, sign_family_link(KEYS, LINK), NOW)
    assert (opened.school_id, opened.registration_id) == (4, 123)
    assert opened.expires_at == LINK.expires_at


def test_a_link_is_bound_to_its_address_whatever_its_case():
    opened = read_family_link(KEYS, sign_family_link(KEYS, LINK), NOW)
    assert opened.sent_to(" parent@example.COM ")
    assert not opened.sent_to("someone@example.com")
    assert not opened.sent_to(None)


def test_the_address_stays_out_of_the_link():
    assert "example" not in sign_family_link(KEYS, LINK).lower()


def test_a_link_stops_working_at_its_expiry():
    token = sign_family_link(KEYS, LINK)
    read_family_link(KEYS, token, LINK.expires_at - timedelta(seconds=1))
    with pytest.raises(ExpiredLink):
        read_family_link(KEYS, token, LINK.expires_at)


def test_a_changed_link_is_invalid():
    token = sign_family_link(KEYS, LINK)
    with pytest.raises(InvalidLink):
        read_family_link(KEYS, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), NOW)


def test_a_link_signed_with_an_untrusted_key_is_invalid():
    token = sign_family_link(KeyRing(("another-key-nobody-trusts-000000000",)), LINK)
    with pytest.raises(InvalidLink):
        read_family_link(KEYS, token, NOW)


def test_a_family_link_is_no_autopay_link():
    with pytest.raises(InvalidLink):
        read_autopay_link(KEYS, sign_family_link(KEYS, LINK), NOW)


def test_the_lifetime_is_the_schools_choice():
    assert link_expiry(NOW, timedelta(days=7)) == NOW + timedelta(days=7)
    assert FAMILY_LINK_LIFETIME == timedelta(days=30)
