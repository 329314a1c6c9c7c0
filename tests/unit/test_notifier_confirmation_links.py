"""Signed consent-confirmation links: signed with the current key, read with any key of a
rotation, refused when no key of ours signed them."""
from __future__ import annotations

from itsdangerous import URLSafeSerializer

from notifier.confirmation_links import (SALT, ConfirmationLink, confirmation_token,
                                         confirmation_url, read_confirmation_token)

OLD_KEY = "the-key-before-the-rotation-0123456789"
NEW_KEY = "the-key-after-the-rotation-9876543210"


def test_a_signed_link_reads_back():
    token = confirmation_token(NEW_KEY, 3, 41)
    assert read_confirmation_token((NEW_KEY,), token) == ConfirmationLink(3, 41)


def test_a_link_mailed_before_a_rotation_still_reads():
    token = confirmation_token(OLD_KEY, 3, 41)
    assert read_confirmation_token((OLD_KEY, NEW_KEY), token) == ConfirmationLink(3, 41)


def test_a_link_signed_with_a_key_not_ours_is_refused():
    token = confirmation_token("somebody-elses-key-00000000000000", 3, 41)
    assert read_confirmation_token((OLD_KEY, NEW_KEY), token) is None


def test_a_tampered_link_is_refused():
    token = confirmation_token(NEW_KEY, 3, 41)
    assert read_confirmation_token((NEW_KEY,), token[:-2] + "xx") is None


def test_a_signed_token_that_names_no_confirmation_is_refused():
    for payload in (["3", 41], [3, True], [3], {"school": 3}):
        token = URLSafeSerializer(NEW_KEY, salt=SALT).dumps(payload)
        assert read_confirmation_token((NEW_KEY,), token) is None


def test_an_unsubscribe_token_is_not_a_confirmation():
    token = URLSafeSerializer(NEW_KEY, salt="edquill.notifier.unsubscribe.v1").dumps([3, 41])
    assert read_confirmation_token((NEW_KEY,), token) is None


def test_the_link_sits_under_the_public_address():
    url = confirmation_url("https://enrol.school.example/", NEW_KEY, 3, 41)
    assert url.startswith("https://enrol.school.example/unsubscribe/resubscribe/")
    assert read_confirmation_token((NEW_KEY,), url.rsplit("/", 1)[1]) == ConfirmationLink(3, 41)
