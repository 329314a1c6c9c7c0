"""Signed, expiring autopay links: the registrar serves the page one opens, the notifier puts
one in the family's e-mail at the moment of sending; both sign and read them here. No I/O.

A link names one invoice of one school and the moment it stops working. It is signed with the
key ring (shared.signing; itsdangerous, with a salt of its own so no other signed value can
pass for it); the expiry is inside the signed part, so the same invoice and expiry always give
the same link under one key, and nobody can stretch it. The link is a bearer credential: it is
made from ids when it is needed and never stored or sent between services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from itsdangerous import BadSignature

from shared.signing import KeyRing

# Long enough for a family to get round to it, short enough that an old e-mail stops working.
AUTOPAY_LINK_LIFETIME = timedelta(days=14)

_AUTOPAY_SALT = "edquill.autopay-link.v1"


@dataclass(frozen=True)
class AutopayLink:
    school_id: int
    invoice_id: int
    expires_at: datetime


class InvalidLink(ValueError):
    """Tampered with, signed with a key no longer trusted, or not a link at all."""


class ExpiredLink(ValueError):
    pass


def link_expiry(issued_at: datetime) -> datetime:
    """When a link issued at `issued_at` stops working, to the second (what gets signed)."""
    return utc(issued_at).replace(microsecond=0) + AUTOPAY_LINK_LIFETIME


def sign_autopay_link(keys: KeyRing, link: AutopayLink) -> str:
    return keys.serializer(_AUTOPAY_SALT).dumps(
        {"s": link.school_id, "i": link.invoice_id, "e": int(utc(link.expires_at).timestamp())}
    )


def read_autopay_link(keys: KeyRing, token: str, now: datetime) -> AutopayLink:
    """The link behind a token; raises InvalidLink or ExpiredLink."""
    try:
        data = keys.serializer(_AUTOPAY_SALT).loads(token)
        link = AutopayLink(
            int(data["s"]), int(data["i"]), datetime.fromtimestamp(int(data["e"]), timezone.utc)
        )
    except (BadSignature, KeyError, TypeError, ValueError):
        raise InvalidLink("this link is not valid") from None
    if utc(now) >= link.expires_at:
        raise ExpiredLink("this link has expired")
    return link


def autopay_path(keys: KeyRing, link: AutopayLink) -> str:
    """The page's path (put it under EDQUILL_PUBLIC_URL with settings.public_link)."""
    return f"/autopay/{sign_autopay_link(keys, link)}"


def utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive one (as MySQL gives them back) is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
