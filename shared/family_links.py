"""Signed, expiring links a family follows: autopay links (one invoice) and family links (the
family's pages of one registration). The registrar serves the pages they open, the notifier
puts them in the family's e-mail at the moment of sending; both sign and read them here. No I/O.

An autopay link names one invoice of one school and the moment it stops working. A family link
names one registration of one school, the guardian's address it was sent to (as a digest: the
address itself stays out of the URL) and its expiry; it opens that registration only, and only
while the registration still has that address. It is signed with the
key ring (shared.signing; itsdangerous, with a salt of its own so no other signed value can
pass for it); the expiry is inside the signed part, so the same invoice and expiry always give
the same link under one key, and nobody can stretch it. The link is a bearer credential: it is
made from ids when it is needed and never stored or sent between services.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from itsdangerous import BadSignature

from shared.signing import KeyRing

# Long enough for a family to get round to it, short enough that an old e-mail stops working.
AUTOPAY_LINK_LIFETIME = timedelta(days=14)

# What a school gets until it chooses its own (notifier's notice settings): a month covers a
# whole admission round from the first e-mail to the welcome.
FAMILY_LINK_LIFETIME = timedelta(days=30)

_AUTOPAY_SALT = "edquill.autopay-link.v1"
_FAMILY_SALT = "edquill.family-link.v1"
# Enough of the address's SHA-256 to tell two addresses apart; the signature keeps it honest.
_ADDRESS_DIGEST_CHARS = 16


@dataclass(frozen=True)
class AutopayLink:
    school_id: int
    invoice_id: int
    expires_at: datetime


class InvalidLink(ValueError):
    """Tampered with, signed with a key no longer trusted, or not a link at all."""


class ExpiredLink(ValueError):
    pass


@dataclass(frozen=True)
class FamilyLink:
    school_id: int
    registration_id: int
    guardian_email: str
    expires_at: datetime


@dataclass(frozen=True)
class OpenedFamilyLink:
    """What a presented family link says: the address only as its digest (see `sent_to`)."""

    school_id: int
    registration_id: int
    address_digest: str
    expires_at: datetime

    def sent_to(self, guardian_email: str | None) -> bool:
        """Whether the link was made for this address (compared as the notifier sends to it)."""
        return guardian_email is not None and address_digest(guardian_email) == self.address_digest


def link_expiry(issued_at: datetime, lifetime: timedelta = AUTOPAY_LINK_LIFETIME) -> datetime:
    """When a link issued at `issued_at` stops working, to the second (what gets signed)."""
    return utc(issued_at).replace(microsecond=0) + lifetime


def address_digest(guardian_email: str) -> str:
    normalised = guardian_email.strip().lower().encode()
    return hashlib.sha256(normalised).hexdigest()[:_ADDRESS_DIGEST_CHARS]


def sign_autopay_link(keys: KeyRing, link: AutopayLink) -> str:
    return keys.serializer(_AUTOPAY_SALT).dumps(
        {"s": link.school_id, "i": link.invoice_id, "e": int(utc(link.expires_at).timestamp())}
    )


def read_autopay_link(keys: KeyRing, token: str, now: datetime) -> AutopayLink:
    """The link behind a token; raises InvalidLink or ExpiredLink."""
    return read_signed(
        keys,
        _AUTOPAY_SALT,
        token,
        now,
        lambda data: AutopayLink(int(data["s"]), int(data["i"]), moment_of(data["e"])),
    )


def autopay_path(keys: KeyRing, link: AutopayLink) -> str:
    """The page's path (put it under EDQUILL_PUBLIC_URL with settings.public_link)."""
    return f"/autopay/{sign_autopay_link(keys, link)}"


def sign_family_link(keys: KeyRing, link: FamilyLink) -> str:
    return keys.serializer(_FAMILY_SALT).dumps(
        {
            "s": link.school_id,
            "r": link.registration_id,
            "g": address_digest(link.guardian_email),
            "e": int(utc(link.expires_at).timestamp()),
        }
    )


def read_family_link(keys: KeyRing, token: str, now: datetime) -> OpenedFamilyLink:
    """The link behind a token; raises InvalidLink or ExpiredLink."""
    return read_signed(
        keys,
        _FAMILY_SALT,
        token,
        now,
        lambda data: OpenedFamilyLink(
            int(data["s"]), int(data["r"]), str(data["g"]), moment_of(data["e"])
        ),
    )


def family_path(keys: KeyRing, link: FamilyLink) -> str:
    """The family page's path (put it under EDQUILL_PUBLIC_URL with settings.public_link)."""
    return f"/family/{sign_family_link(keys, link)}"


def read_signed(keys: KeyRing, salt: str, token: str, now: datetime, build):
    """What `build` makes of a token signed under `salt`, whose expiry (`expires_at`) is
    inside the signed part; raises InvalidLink or ExpiredLink. Every expiring link reads here."""
    try:
        link = build(keys.serializer(salt).loads(token))
    except (BadSignature, KeyError, TypeError, ValueError):
        raise InvalidLink("this link is not valid") from None
    if utc(now) >= link.expires_at:
        raise ExpiredLink("this link has expired")
    return link


def moment_of(timestamp) -> datetime:
    """A link's signed expiry (whole seconds since the epoch) as a UTC moment."""
    return datetime.fromtimestamp(int(timestamp), timezone.utc)


def utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive one (as MySQL gives them back) is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
