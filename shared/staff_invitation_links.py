"""Signed, expiring links that invite a colleague to set the password of a new staff account.
The notifier puts one in the invitation e-mail at the moment it sends it; the registrar's page
(/staff/invitation/{token}) reads it. No I/O.

A link names one invitation of one school and the moment it stops working. Each invitation,
re-invitations included, is a row of its own (t_staff_invitation), so its id is the version
the link is good for: the registrar opens the link only while that row is the address's newest
and still open, which makes it one-time (accepting spends the row) and lets a re-invitation
replace it. It is signed with the key ring (shared.signing; itsdangerous, under a salt of its
own so no family link or other signed value can pass for it); the expiry is inside the signed
part. The link is a bearer credential: made from ids when the e-mail is sent, never stored,
logged or carried by an event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.family_links import moment_of, read_signed, utc
from shared.signing import KeyRing

_SALT = "edquill.staff-invitation.v1"
PATH_PREFIX = "/staff/invitation/"


@dataclass(frozen=True)
class InvitationLink:
    school_id: int
    invitation_id: int
    expires_at: datetime


def sign_invitation_link(keys: KeyRing, link: InvitationLink) -> str:
    return keys.serializer(_SALT).dumps(
        {"s": link.school_id, "i": link.invitation_id, "e": int(utc(link.expires_at).timestamp())}
    )


def read_invitation_link(keys: KeyRing, token: str, now: datetime) -> InvitationLink:
    """The invitation behind a token; raises InvalidLink or ExpiredLink (shared.family_links)."""
    return read_signed(
        keys,
        _SALT,
        token,
        now,
        lambda data: InvitationLink(int(data["s"]), int(data["i"]), moment_of(data["e"])),
    )


def invitation_path(keys: KeyRing, link: InvitationLink) -> str:
    """The page's path (put it under EDQUILL_PUBLIC_URL with settings.public_link)."""
    return PATH_PREFIX + sign_invitation_link(keys, link)
