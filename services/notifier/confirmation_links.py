"""Signed consent-confirmation links (/unsubscribe/resubscribe/<token>): the token names the
school and the confirmation asked (t_consent_confirmation), and only a holder of the secret
key can make one. It expires with that confirmation, whose expiry the database keeps.

Signed with the current key; verified with any of `Settings.verification_keys`, so a link
mailed before a key rotation still works."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from itsdangerous import BadSignature, URLSafeSerializer

# Keeps these signatures apart from anything else signed with the same key.
SALT = "edquill.notifier.consent-confirmation.v1"
PATH = "/unsubscribe/resubscribe/"


@dataclass(frozen=True)
class ConfirmationLink:
    school_id: int
    confirmation_id: int


def confirmation_token(secret_key: str, school_id: int, confirmation_id: int) -> str:
    return URLSafeSerializer(secret_key, salt=SALT).dumps([school_id, confirmation_id])


def read_confirmation_token(verification_keys: Sequence[str],
                            token: str) -> ConfirmationLink | None:
    """What a token names, or None when no key of ours signed it or it is mangled."""
    try:
        school_id, confirmation_id = URLSafeSerializer(list(verification_keys),
                                                       salt=SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not all(isinstance(value, int) and not isinstance(value, bool)
               for value in (school_id, confirmation_id)):
        return None
    return ConfirmationLink(school_id, confirmation_id)


def confirmation_url(public_url: str, secret_key: str, school_id: int,
                     confirmation_id: int) -> str:
    token = confirmation_token(secret_key, school_id, confirmation_id)
    return f"{public_url.rstrip('/')}{PATH}{token}"
