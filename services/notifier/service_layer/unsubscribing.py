"""An unsubscribe: the family's no to reminders and marketing, recorded for the address with
where, when and the link's proof, and their mail of those kinds that has not gone yet kept
back. It stands over every registration at the address until the owner confirms a yes again
(notifier.service_layer.resubscribing)."""

from __future__ import annotations

from datetime import datetime

from notifier.adapters import message_log_store
from notifier.adapters.consent_store import record_consent
from notifier.domain.consent import UNSUBSCRIBE_LINK, WITHDRAWABLE, ConsentChange, LinkFollowed
from notifier.domain.unsubscribe_links import UnsubscribeRequest
from shared import db


def unsubscribe(
    connection, request: UnsubscribeRequest, now: datetime, evidence: str, link: LinkFollowed
) -> None:
    with db.transaction(connection) as cursor:
        for purpose in WITHDRAWABLE:
            record_consent(
                cursor,
                request.school_id,
                ConsentChange(request.recipient, purpose, False, now, UNSUBSCRIBE_LINK, evidence),
                now,
                link.proof(),
            )
        message_log_store.suppress_unsent(
            cursor,
            request.school_id,
            request.recipient,
            [purpose.value for purpose in WITHDRAWABLE],
            f"unsubscribed via the link ({evidence})",
            now,
        )
