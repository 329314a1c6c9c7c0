"""Staff invitation links as the notifier signs them (shared.staff_invitation_links), for tests
that open the invitation page without an e-mail in between, and the page's form as a browser
posts it."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from shared.config import Settings
from shared.events import parse_timestamp
from shared.signing import KeyRing
from shared.staff_invitation_links import InvitationLink, invitation_path

_FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def invitation_link_path(
    settings: Settings, school_id: int, invitation_id: int, expires_at: datetime | str
) -> str:
    """The page's path for an invitation, as the API answered it (`expires_at` may be its
    ISO text)."""
    if isinstance(expires_at, str):
        expires_at = parse_timestamp(expires_at)
    link = InvitationLink(school_id, invitation_id, expires_at)
    return invitation_path(KeyRing.of(settings), link)


def password_form(html: str, password: str, again: str | None = None) -> dict:
    """What the page's form posts: its token and the password typed twice."""
    return {
        "form_token": _FORM_TOKEN.search(html)[1],
        "password": password,
        "password_again": password if again is None else again,
    }


def invitation_path_in(body: str, public_url: str) -> str:
    """The invitation link's path in an e-mail's body (the link is under the public URL)."""
    link = re.search(re.escape(public_url) + r"/staff/invitation/[\w.-]+", body)[0]
    return link.removeprefix(public_url)


def unique_colleague_email() -> str:
    return f"colleague-{secrets.token_hex(5)}@school.example"
