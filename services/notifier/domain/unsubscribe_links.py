"""Signed unsubscribe links: the token names the school and the address, and only a holder
of EDQUILL_SECRET_KEY can make one. No expiry: an unsubscribe link must keep working, across
key rotations too, as long as the old key stays in EDQUILL_SECRET_KEY_PREVIOUS."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature

from shared.signing import KeyRing

# Keeps these signatures apart from anything else signed with the same key.
SALT = "edquill.notifier.unsubscribe.v1"


@dataclass(frozen=True)
class UnsubscribeRequest:
    school_id: int
    recipient: str


def unsubscribe_token(keys: KeyRing, school_id: int, recipient: str) -> str:
    return keys.serializer(SALT).dumps([school_id, recipient])


def read_unsubscribe_token(keys: KeyRing, token: str) -> UnsubscribeRequest | None:
    """What a token asks for, or None when no key of ours signed it or it is mangled."""
    try:
        school_id, recipient = keys.serializer(SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(school_id, int) or not isinstance(recipient, str):
        return None
    return UnsubscribeRequest(school_id, recipient)


def unsubscribe_path(keys: KeyRing, school_id: int, recipient: str) -> str:
    """The page's path (put it under EDQUILL_PUBLIC_URL with settings.public_link)."""
    return f"/unsubscribe/{unsubscribe_token(keys, school_id, recipient)}"
