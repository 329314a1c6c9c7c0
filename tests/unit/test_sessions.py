"""CSRF tokens bound to the session token."""

from shared.sessions import csrf_token_for, csrf_valid
from shared.signing import KeyRing

SECRET = KeyRing(("a-secret-of-sixteen-plus",))


def test_the_token_made_for_a_session_is_valid_for_it():
    assert csrf_valid(SECRET, "session-a", csrf_token_for(SECRET, "session-a"))


def test_a_token_of_another_session_is_refused():
    assert not csrf_valid(SECRET, "session-b", csrf_token_for(SECRET, "session-a"))


def test_a_token_made_with_another_secret_is_refused():
    another = KeyRing(("another-secret-key!",))
    assert not csrf_valid(SECRET, "session-a", csrf_token_for(another, "session-a"))


def test_missing_session_or_token_is_refused():
    assert not csrf_valid(SECRET, None, csrf_token_for(SECRET, "session-a"))
    assert not csrf_valid(SECRET, "session-a", None)
