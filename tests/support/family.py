"""Family links as the notifier signs them (shared.family_links), for tests that open the
family's pages without an e-mail in between."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from shared.config import Settings
from shared.family_links import FAMILY_LINK_LIFETIME, FamilyLink, family_path
from shared.signing import KeyRing

_FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
_ANSWER_TOKEN = re.compile(r'name="answer_form_token" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')


def family_link_path(
    settings: Settings,
    school_id: int,
    registration_id: int,
    guardian_email: str,
    *,
    expires_at: datetime | None = None,
) -> str:
    expires_at = expires_at or datetime.now(timezone.utc) + FAMILY_LINK_LIFETIME
    link = FamilyLink(school_id, registration_id, guardian_email, expires_at)
    return family_path(KeyRing.of(settings), link)


def withdraw_form(html: str) -> dict:
    """The withdraw form's hidden fields, as the status page rendered them."""
    return {"form_token": _FORM_TOKEN.search(html)[1], "version": _VERSION.search(html)[1]}


def answer_form(html: str) -> dict:
    """The answer form's hidden fields, as the needs-info page rendered them."""
    return {"answer_form_token": _ANSWER_TOKEN.search(html)[1], "version": _VERSION.search(html)[1]}


def ask_for_information(connection, registration_id: int, note: str) -> None:
    """Put the registration in needs_info with the school's question, as a plain UPDATE."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE student_self_registrations SET status = 'needs_info', status_note = %s "
            "WHERE id = %s",
            (note, registration_id),
        )
    connection.commit()


def a_day_past(moment: datetime, days: int) -> datetime:
    return moment + timedelta(days=days, seconds=1)


def family_path_in(body: str, public_url: str) -> str:
    """The family link's path in an e-mail's body (the link is under the public URL)."""
    link = re.search(re.escape(public_url) + r"/family/[\w.-]+", body)[0]
    return link.removeprefix(public_url)
