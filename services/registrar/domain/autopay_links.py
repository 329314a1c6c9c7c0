"""Signed, expiring autopay links, and the CSRF token of the page they open: no I/O.

A link names one invoice of one school and the moment it stops working. It is signed with the
service's secret (itsdangerous, with a salt of its own so no other signed value can pass for
it); the expiry is inside the signed part, so the same invoice and expiry always give the same
link, and nobody can stretch it.

The confirmation form carries a CSRF token bound to a random nonce kept in a cookie and to the
link itself: a page on another site can neither read the cookie nor compute the token.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from itsdangerous import BadSignature, URLSafeSerializer

# Long enough for a family to get round to it, short enough that an old e-mail stops working.
AUTOPAY_LINK_LIFETIME = timedelta(days=14)

_SALT = "edquill.autopay-link.v1"
_CSRF_CONTEXT = b"edquill.autopay-csrf.v1"


@dataclass(frozen=True)
class AutopayLink:
    school_id: int
    invoice_id: int
    expires_at: datetime


class InvalidLink(ValueError):
    """Tampered with, signed with another secret, or not a link at all."""


class ExpiredLink(ValueError):
    pass


def link_expiry(issued_at: datetime) -> datetime:
    """When a link issued at `issued_at` stops working, to the second (what gets signed)."""
    return _utc(issued_at).replace(microsecond=0) + AUTOPAY_LINK_LIFETIME


def sign_link(secret: str, link: AutopayLink) -> str:
    return URLSafeSerializer(secret, salt=_SALT).dumps(
        {"s": link.school_id, "i": link.invoice_id, "e": int(_utc(link.expires_at).timestamp())})


def read_link(secret: str, token: str, now: datetime) -> AutopayLink:
    """The link behind a token; raises InvalidLink or ExpiredLink."""
    try:
        data = URLSafeSerializer(secret, salt=_SALT).loads(token)
        link = AutopayLink(int(data["s"]), int(data["i"]),
                           datetime.fromtimestamp(int(data["e"]), timezone.utc))
    except (BadSignature, KeyError, TypeError, ValueError):
        raise InvalidLink("this link is not valid") from None
    if _utc(now) >= link.expires_at:
        raise ExpiredLink("this link has expired")
    return link


def csrf_token(secret: str, nonce: str, link_token: str) -> str:
    message = _CSRF_CONTEXT + b"\0" + nonce.encode() + b"\0" + link_token.encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def csrf_valid(secret: str, nonce: str | None, link_token: str, submitted: str | None) -> bool:
    if not nonce or not submitted:
        return False
    return hmac.compare_digest(csrf_token(secret, nonce, link_token), submitted)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
