"""The signed links of a message, made at the moment it is sent, under EDQUILL_PUBLIC_URL: the
unsubscribe link (List-Unsubscribe's and the body's), autopay links, the family link and the
link confirming an address's consent again, the plain link to a registration in the staff's
workspace (in a school's own alerts) and a staff invitation's link, in the place of the
placeholders its templates were rendered with (notifier.domain.link_placeholders).

Signed with the key ring's current key (shared.signing); autopay and family links are signed
exactly as the registrar reads them (shared.family_links), so the registrar's pages open them.
A family link is bound to the message's recipient: the address the e-mail goes to.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from urllib.parse import urlencode

from notifier.domain.confirmation_links import confirmation_path
from notifier.domain.link_placeholders import fill_links
from notifier.domain.unsubscribe_links import unsubscribe_path
from shared.config import Settings
from shared.family_links import AutopayLink, FamilyLink, autopay_path, family_path
from shared.signing import KeyRing
from shared.staff_invitation_links import InvitationLink, invitation_path


class MessageLinks:
    def __init__(self, settings: Settings):
        self._settings = settings
        self._keys = KeyRing.of(settings)

    def unsubscribe_url(self, school_id: int, recipient: str) -> str:
        return self._settings.public_link(unsubscribe_path(self._keys, school_id, recipient))

    def autopay_url(self, school_id: int, invoice_id: int, expires_at: datetime) -> str:
        link = AutopayLink(school_id, invoice_id, expires_at)
        return self._settings.public_link(autopay_path(self._keys, link))

    def family_url(
        self, school_id: int, recipient: str, registration_id: int, expires_at: datetime
    ) -> str:
        link = FamilyLink(school_id, registration_id, recipient, expires_at)
        return self._settings.public_link(family_path(self._keys, link))

    def workspace_url(self, registration_id: int) -> str:
        query = urlencode({"registration": registration_id})
        return self._settings.public_link(f"/admin/registrar?{query}")

    def invitation_url(self, school_id: int, invitation_id: int, expires_at: datetime) -> str:
        link = InvitationLink(school_id, invitation_id, expires_at)
        return self._settings.public_link(invitation_path(self._keys, link))

    def confirmation_url(self, school_id: int, confirmation_id: int) -> str:
        return self._settings.public_link(confirmation_path(self._keys, school_id, confirmation_id))

    def filled(self, row: dict) -> dict:
        """The logged message `row` with its bodies' placeholders replaced by signed links."""
        school_id, recipient = row["school_id"], row["recipient"]

        def unsubscribe() -> str:
            return self.unsubscribe_url(school_id, recipient)

        def autopay(invoice_id: int, expires_at: datetime) -> str:
            return self.autopay_url(school_id, invoice_id, expires_at)

        def confirmation(confirmation_id: int) -> str:
            return self.confirmation_url(school_id, confirmation_id)

        def family(registration_id: int, expires_at: datetime) -> str:
            return self.family_url(school_id, recipient, registration_id, expires_at)

        def invitation(invitation_id: int, expires_at: datetime) -> str:
            return self.invitation_url(school_id, invitation_id, expires_at)

        return {
            **row,
            "body_text": fill_links(
                row["body_text"],
                unsubscribe,
                autopay,
                confirmation,
                family,
                self.workspace_url,
                invitation,
            ),
            "body_html": fill_links(
                row.get("body_html"),
                lambda: escape(unsubscribe()),
                lambda *link: escape(autopay(*link)),
                lambda *link: escape(confirmation(*link)),
                lambda *link: escape(family(*link)),
                lambda registration_id: escape(self.workspace_url(registration_id)),
                lambda *link: escape(invitation(*link)),
            ),
        }
