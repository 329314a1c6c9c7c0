"""Staff invitation links as the notifier signs them (shared.staff_invitation_links), for tests
that open the invitation page without an e-mail in between, and the page's form as a browser
posts it."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from shared.config import Settings
from shared.events import STAFF_INVITATION, Event, EventType, format_timestamp, parse_timestamp
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


def staff_invited(
    school_id: int,
    invitation_id: int,
    email: str,
    expires_at: datetime,
    *,
    role: str = "registrar",
    invited_by: str = "head@school.example",
    timezone_name: str = "UTC",
) -> Event:
    """The registrar's staff.invited event, as its outbox writes it (school snapshot included)."""
    return Event.new(
        EventType.STAFF_INVITED,
        school_id,
        invitation_id,
        {
            "invitation_id": invitation_id,
            "email": email,
            "role": role,
            "expires_at": format_timestamp(expires_at),
            "invited_by": invited_by,
            "school": {
                "name": "Sunrise Music School",
                "slug": f"sunrise-{school_id}",
                "timezone": timezone_name,
                "currency": "USD",
                "default_language": "en",
            },
        },
        aggregate_type=STAFF_INVITATION,
    )
