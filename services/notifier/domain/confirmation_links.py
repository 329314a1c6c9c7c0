"""Signed consent-confirmation links (/unsubscribe/resubscribe/<token>): the token names the
school and the confirmation asked (t_consent_confirmation), and only a holder of the secret
key can make one. It expires with that confirmation, whose expiry the database keeps.

Signed with the key ring's current key; verified with any key of the ring, so a link mailed
before a key rotation still works (shared.signing)."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature

from shared.signing import KeyRing

# Keeps these signatures apart from anything else signed with the same key.
SALT = "edquill.notifier.consent-confirmation.v1"
PATH = "/unsubscribe/resubscribe/"


@dataclass(frozen=True)
class ConfirmationLink:
    school_id: int
    confirmation_id: int


def confirmation_token(keys: KeyRing, school_id: int, confirmation_id: int) -> str:
    return keys.serializer(SALT).dumps([school_id, confirmation_id])


def read_confirmation_token(keys: KeyRing, token: str) -> ConfirmationLink | None:
    """What a token names, or None when no key of the ring signed it or it is mangled."""
    try:
        school_id, confirmation_id = keys.serializer(SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not all(
        isinstance(value, int) and not isinstance(value, bool)
        for value in (school_id, confirmation_id)
    ):
        return None
    return ConfirmationLink(school_id, confirmation_id)


def confirmation_path(keys: KeyRing, school_id: int, confirmation_id: int) -> str:
    """The link's path, to go under EDQUILL_PUBLIC_URL: made only as the e-mail is sent."""
    return f"{PATH}{confirmation_token(keys, school_id, confirmation_id)}"
