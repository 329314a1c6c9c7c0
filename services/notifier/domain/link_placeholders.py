"""Bearer links in a message, kept as placeholders until the moment it is sent. No I/O.

A family, autopay, unsubscribe or consent-confirmation link acts for the family, and a staff
invitation link sets the password of a new staff account: whoever holds one can use it. So
nothing the notifier stores (t_message_log's context and bodies, t_reminder's context) holds
one. Templates are rendered with a placeholder in each link's place that says what the link is
for (ids and the expiry, no signature); the sender swaps in the signed URL as it builds the
e-mail (notifier.service_layer.message_links), and the signed URL lives only in the e-mail.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Callable

# Letters, digits and hyphens only: HTML escaping and URL quoting leave them as they are, so
# the sender finds them in either body, and they are a valid href until it does.
UNSUBSCRIBE_PLACEHOLDER = "edquill-link-unsubscribe"
_PLACEHOLDERS = re.compile(
    r"edquill-link-(?:unsubscribe|autopay-(\d+)-(\d+)|confirm-(\d+)|family-(\d+)-(\d+)"
    r"|workspace-(\d+)|invitation-(\d+)-(\d+))"
)
_AUTOPAY_PLACEHOLDER = re.compile(r"edquill-link-autopay-\d+-\d+")

UnsubscribeUrl = Callable[[], str]
AutopayUrl = Callable[[int, datetime], str]
ConfirmationUrl = Callable[[int], str]
FamilyUrl = Callable[[int, datetime], str]
WorkspaceUrl = Callable[[int], str]
InvitationUrl = Callable[[int, datetime], str]


def autopay_placeholder(invoice_id: int, expires_at: datetime) -> str:
    """Where the autopay link of the invoice, expiring at `expires_at` (to the second), goes."""
    return f"edquill-link-autopay-{int(invoice_id)}-{int(expires_at.timestamp())}"


def family_placeholder(registration_id: int, expires_at: datetime) -> str:
    """Where the family link of the registration goes: signed for the message's recipient."""
    return f"edquill-link-family-{int(registration_id)}-{int(expires_at.timestamp())}"


def workspace_placeholder(registration_id: int) -> str:
    """Where the link to the registration in the staff's workspace goes. It grants nothing (the
    workspace asks for a sign-in); it is a placeholder only because the public address is the
    sender's to know."""
    return f"edquill-link-workspace-{int(registration_id)}"


def invitation_placeholder(invitation_id: int, expires_at: datetime) -> str:
    """Where the link of a staff invitation (t_staff_invitation in the registrar) goes."""
    return f"edquill-link-invitation-{int(invitation_id)}-{int(expires_at.timestamp())}"


def confirmation_placeholder(confirmation_id: int) -> str:
    """Where the link confirming the address's consent again (t_consent_confirmation) goes."""
    return f"edquill-link-confirm-{int(confirmation_id)}"


def without_signed_links(context: dict) -> dict:
    """`context` with any autopay link that is not a placeholder taken out (None), its digest
    items' too. Reminders scheduled before links became placeholders kept the signed link,
    under a service address, in t_reminder.context: such a reminder goes without the link
    rather than store it again or send an address that is not the public one."""
    cleaned = dict(context)
    link = cleaned.get("autopay_url")
    if isinstance(link, str) and not _AUTOPAY_PLACEHOLDER.fullmatch(link):
        cleaned["autopay_url"] = None
    if isinstance(cleaned.get("items"), list):
        cleaned["items"] = [
            without_signed_links(item) if isinstance(item, dict) else item
            for item in cleaned["items"]
        ]
    return cleaned


def fill_links(
    text: str | None,
    unsubscribe_url: UnsubscribeUrl,
    autopay_url: AutopayUrl,
    confirmation_url: ConfirmationUrl,
    family_url: FamilyUrl,
    workspace_url: WorkspaceUrl,
    invitation_url: InvitationUrl | None = None,
) -> str | None:
    """`text` with every placeholder replaced by the link it stands for (an invitation's
    placeholder stays as it is when no `invitation_url` is given)."""
    if not text:
        return text

    def link(match: re.Match) -> str:
        (
            invoice_id,
            expiry,
            confirmation_id,
            registration_id,
            family_expiry,
            staff_view,
            invitation_id,
            invitation_expiry,
        ) = match.groups()
        if invitation_id is not None:
            if invitation_url is None:
                return match.group(0)
            return invitation_url(int(invitation_id), _moment(invitation_expiry))
        if staff_view is not None:
            return workspace_url(int(staff_view))
        if registration_id is not None:
            return family_url(int(registration_id), _moment(family_expiry))
        if confirmation_id is not None:
            return confirmation_url(int(confirmation_id))
        if invoice_id is None:
            return unsubscribe_url()
        return autopay_url(int(invoice_id), _moment(expiry))

    return _PLACEHOLDERS.sub(link, text)


def _moment(timestamp: str) -> datetime:
    return datetime.fromtimestamp(int(timestamp), timezone.utc)
