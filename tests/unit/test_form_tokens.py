"""CSRF tokens of the forms shown before sign-in (registrar.domain.form_tokens)."""

from registrar.domain.form_tokens import form_token, form_token_valid
from shared.signing import KeyRing

SECRET = KeyRing(("a-secret-of-sixteen-characters",))


def test_the_token_made_for_a_nonce_is_accepted_with_it():
    assert form_token_valid(SECRET, "sign-in", "nonce-1", form_token(SECRET, "sign-in", "nonce-1"))


def test_a_token_for_another_nonce_purpose_or_secret_is_refused():
    token = form_token(SECRET, "sign-in", "nonce-1")

    assert not form_token_valid(SECRET, "sign-in", "nonce-2", token)
    assert not form_token_valid(SECRET, "self-registration", "nonce-1", token)
    assert not form_token_valid(KeyRing(("another-secret-of-16",)), "sign-in", "nonce-1", token)


def test_a_missing_nonce_or_token_is_refused():
    assert not form_token_valid(SECRET, "sign-in", None, form_token(SECRET, "sign-in", ""))
    assert not form_token_valid(SECRET, "sign-in", "nonce-1", None)
