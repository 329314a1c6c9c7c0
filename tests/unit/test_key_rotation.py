"""Key rotation (shared.signing): what was signed before a rotation still verifies while the old
key is in EDQUILL_SECRET_KEY_PREVIOUS, everything new is signed with the new key, and a key in
neither list is refused. For every kind of signature the system makes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from notifier.domain.unsubscribe_links import read_unsubscribe_token, unsubscribe_token
from registrar.domain import autopay_links
from registrar.domain.form_tokens import form_token, form_token_valid
from shared.config import Settings, development_settings
from shared.config_error import ConfigError
from shared.family_links import AutopayLink, InvalidLink, read_autopay_link, sign_autopay_link
from shared.sessions import csrf_token_for, csrf_valid
from shared.signing import KeyRing

OLD, NEW, STRANGER = "old-key-" + "o" * 32, "new-key-" + "n" * 32, "other-key-" + "x" * 32
BEFORE = KeyRing((OLD,))  # the ring before the rotation
AFTER = KeyRing((OLD, NEW))  # after: the new key signs, the old one still verifies
DROPPED = KeyRing((NEW,))  # once the old key is taken out of the list
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
LINK = AutopayLink(3, 42, NOW + timedelta(days=14))


def test_the_ring_is_previous_keys_then_the_current_one():
    settings = Settings.from_env(
        {
            "EDQUILL_ENV": "production",
            "EDQUILL_SECRET_KEY": NEW,
            "EDQUILL_SECRET_KEY_PREVIOUS": f"{OLD}, {STRANGER}",
            "EDQUILL_PUBLIC_URL": "https://school.example",
        }
    )
    ring = KeyRing.of(settings)
    assert ring.keys == (OLD, STRANGER, NEW)
    assert ring.current == NEW


def test_a_short_previous_key_is_refused_in_production():
    with pytest.raises(ConfigError, match="EDQUILL_SECRET_KEY_PREVIOUS"):
        Settings.from_env(
            {
                "EDQUILL_ENV": "production",
                "EDQUILL_SECRET_KEY": NEW,
                "EDQUILL_SECRET_KEY_PREVIOUS": "short",
                "EDQUILL_PUBLIC_URL": "https://school.example",
            }
        )


def test_an_empty_ring_cannot_be_made():
    with pytest.raises(ValueError):
        KeyRing(())
    with pytest.raises(ValueError):
        KeyRing(("",))


# -- links (itsdangerous) ------------------------------------------------------------------


def test_an_autopay_link_signed_before_the_rotation_still_opens():
    assert read_autopay_link(AFTER, sign_autopay_link(BEFORE, LINK), NOW) == LINK


def test_a_new_autopay_link_is_signed_with_the_new_key():
    token = sign_autopay_link(AFTER, LINK)
    assert token == sign_autopay_link(KeyRing((NEW,)), LINK)
    assert token != sign_autopay_link(BEFORE, LINK)
    assert read_autopay_link(DROPPED, token, NOW) == LINK


def test_an_autopay_link_of_a_key_no_longer_trusted_is_refused():
    with pytest.raises(InvalidLink):
        read_autopay_link(DROPPED, sign_autopay_link(BEFORE, LINK), NOW)
    with pytest.raises(InvalidLink):
        read_autopay_link(AFTER, sign_autopay_link(KeyRing((STRANGER,)), LINK), NOW)


def test_an_unsubscribe_link_signed_before_the_rotation_still_works():
    wanted = read_unsubscribe_token(AFTER, unsubscribe_token(BEFORE, 7, "p@example.com"))
    assert (wanted.school_id, wanted.recipient) == (7, "p@example.com")


def test_a_new_unsubscribe_link_is_signed_with_the_new_key():
    token = unsubscribe_token(AFTER, 7, "p@example.com")
    assert read_unsubscribe_token(DROPPED, token) is not None
    assert read_unsubscribe_token(BEFORE, token) is None


def test_an_unsubscribe_link_of_a_key_in_neither_list_is_refused():
    assert (
        read_unsubscribe_token(AFTER, unsubscribe_token(KeyRing((STRANGER,)), 7, "p@example.com"))
        is None
    )
    assert read_unsubscribe_token(DROPPED, unsubscribe_token(BEFORE, 7, "p@example.com")) is None


# -- HMAC tokens (CSRF and form tokens) -------------------------------------------------------


def test_a_session_csrf_token_of_a_page_opened_before_the_rotation_is_accepted():
    assert csrf_valid(AFTER, "session-a", csrf_token_for(BEFORE, "session-a"))


def test_a_new_session_csrf_token_is_made_with_the_new_key():
    token = csrf_token_for(AFTER, "session-a")
    assert token == csrf_token_for(KeyRing((NEW,)), "session-a")
    assert not csrf_valid(BEFORE, "session-a", token)


def test_a_session_csrf_token_of_an_untrusted_key_is_refused():
    assert not csrf_valid(AFTER, "session-a", csrf_token_for(KeyRing((STRANGER,)), "session-a"))
    assert not csrf_valid(DROPPED, "session-a", csrf_token_for(BEFORE, "session-a"))


def test_a_form_token_made_before_the_rotation_is_accepted_and_new_ones_use_the_new_key():
    old = form_token(BEFORE, "sign-in", "nonce-1")
    assert form_token_valid(AFTER, "sign-in", "nonce-1", old)
    assert not form_token_valid(DROPPED, "sign-in", "nonce-1", old)
    assert form_token(AFTER, "sign-in", "nonce-1") == form_token(
        KeyRing((NEW,)), "sign-in", "nonce-1"
    )


def test_the_autopay_pages_csrf_token_survives_the_rotation():
    old = autopay_links.csrf_token(BEFORE, "nonce-1", "link-a")
    assert autopay_links.csrf_valid(AFTER, "nonce-1", "link-a", old)
    assert not autopay_links.csrf_valid(DROPPED, "nonce-1", "link-a", old)


def test_a_token_with_characters_beyond_ascii_is_refused_not_an_error():
    assert not csrf_valid(AFTER, "session-a", "é" * 64)


def test_development_settings_give_a_ring_of_the_development_key():
    settings = replace(development_settings(), previous_secret_keys=(OLD,))
    assert KeyRing.of(settings).keys == (OLD, settings.secret_key)
