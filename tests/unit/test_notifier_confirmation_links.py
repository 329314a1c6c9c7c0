"""Signed consent-confirmation links: signed with the current key, read with any key of a
rotation, refused when no key of ours signed them."""

from __future__ import annotations

from itsdangerous import URLSafeSerializer

from notifier.domain.confirmation_links import (
    SALT,
    ConfirmationLink,
    confirmation_path,
    confirmation_token,
    read_confirmation_token,
)
from shared.signing import KeyRing

OLD_KEY = "the-key-before-the-rotation-0123456789"
NEW_KEY = "the-key-after-the-rotation-9876543210"
BEFORE = KeyRing((OLD_KEY,))
AFTER = KeyRing((OLD_KEY, NEW_KEY))
NEW_ONLY = KeyRing((NEW_KEY,))


def test_a_signed_link_reads_back():
    token = confirmation_token(NEW_ONLY, 3, 41)
    assert read_confirmation_token(NEW_ONLY, token) == ConfirmationLink(3, 41)


def test_a_link_mailed_before_a_rotation_still_reads():
    token = confirmation_token(BEFORE, 3, 41)
    assert read_confirmation_token(AFTER, token) == ConfirmationLink(3, 41)


def test_a_link_signed_with_a_key_not_ours_is_refused():
    token = confirmation_token(KeyRing(("somebody-elses-key-00000000000000",)), 3, 41)
    assert read_confirmation_token(AFTER, token) is None


def test_a_tampered_link_is_refused():
    token = confirmation_token(NEW_ONLY, 3, 41)
    assert read_confirmation_token(NEW_ONLY, token[:-2] + "xx") is None


def test_a_signed_token_that_names_no_confirmation_is_refused():
    for payload in (["3", 41], [3, True], [3], {"school": 3}):
        token = URLSafeSerializer(NEW_KEY, salt=SALT).dumps(payload)
        assert read_confirmation_token(NEW_ONLY, token) is None


def test_an_unsubscribe_token_is_not_a_confirmation():
    token = URLSafeSerializer(NEW_KEY, salt="edquill.notifier.unsubscribe.v1").dumps([3, 41])
    assert read_confirmation_token(NEW_ONLY, token) is None


def test_the_link_is_a_path_to_go_under_the_public_address():
    path = confirmation_path(NEW_ONLY, 3, 41)
    assert path.startswith("/unsubscribe/resubscribe/")
    assert read_confirmation_token(NEW_ONLY, path.rsplit("/", 1)[1]) == ConfirmationLink(3, 41)


def test_a_new_link_is_signed_with_the_current_key():
    token = confirmation_token(AFTER, 3, 41)
    assert read_confirmation_token(NEW_ONLY, token) == ConfirmationLink(3, 41)
