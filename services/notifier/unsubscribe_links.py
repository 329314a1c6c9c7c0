"""Signed unsubscribe links: the token names the school and the address, and only a holder
of EDQUILL_SECRET_KEY can make one. No expiry: an unsubscribe link must keep working."""
from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

# Keeps these signatures apart from anything else signed with the same key.
SALT = "edquill.notifier.unsubscribe.v1"


@dataclass(frozen=True)
class UnsubscribeRequest:
    school_id: int
    recipient: str


def unsubscribe_token(secret_key: str, school_id: int, recipient: str) -> str:
    return URLSafeSerializer(secret_key, salt=SALT).dumps([school_id, recipient])


def read_unsubscribe_token(secret_key: str, token: str) -> UnsubscribeRequest | None:
    """What a token asks for, or None when it was not signed with our key or is mangled."""
    try:
        school_id, recipient = URLSafeSerializer(secret_key, salt=SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(school_id, int) or not isinstance(recipient, str):
        return None
    return UnsubscribeRequest(school_id, recipient)


def unsubscribe_url(base_url: str, secret_key: str, school_id: int, recipient: str) -> str:
    token = unsubscribe_token(secret_key, school_id, recipient)
    return f"{base_url.rstrip('/')}/unsubscribe/{token}"
