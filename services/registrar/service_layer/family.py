"""The family's side of a registration, opened by a family link (shared.family_links): what
its page shows, and the family withdrawing it.

The link is the family's only credential. Every read is scoped by the school and registration
the link names, and a link opens its registration only while the registration still has the
address the link was sent to: a link of one registration never opens another, and a link sent
to an address the school has since corrected stops working.
"""

from __future__ import annotations

from datetime import datetime

from registrar.adapters import (
    audit_store,
    billing_store,
    family_store,
    placements_store,
    waitlist_store,
)
from registrar.adapters.registrations_store import (
    CommittedStatusChange,
    apply_status_change,
    require_version,
)
from registrar.domain.lifecycle import FAMILY_ACTOR, WITHDRAWABLE, plan_withdrawal
from registrar.service_layer import seat_offers
from registrar.service_layer.lead_status import lifecycle_refusals_as_domain_errors
from shared.db import transaction
from shared.family_links import (
    AutopayLink,
    InvalidLink,
    OpenedFamilyLink,
    autopay_path,
    link_expiry,
    read_family_link,
)
from shared.signing import KeyRing

# The longest reason a family may give (the page's field says so too).
REASON_LENGTH = 1000
# Invoices a family sees: a draft is still the school's.
_SHOWN_INVOICES = ("issued", "paid")


def open_family_page(connection, keys: KeyRing, token: str, now: datetime) -> dict:
    """What the family page shows; raises InvalidLink or ExpiredLink."""
    link = read_family_link(keys, token, now)
    with connection.cursor() as cursor:
        registration = linked_registration(cursor, link)
        placement = placements_store.placement_for(cursor, link.school_id, link.registration_id)
        invoice = billing_store.invoice_of_registration(
            cursor, link.school_id, link.registration_id
        )
        seat_offer = waitlist_store.open_offer_for_family(
            cursor, link.school_id, link.registration_id
        )
    return {
        "seat_offer": seat_offer,
        "registration": registration,
        "placement": placement,
        "invoice": _invoice(keys, link, invoice, now),
        "may_withdraw": registration["status"] in WITHDRAWABLE,
        "link_expires_at": link.expires_at,
    }


def withdraw(
    connection, keys: KeyRing, token: str, now: datetime, *, version: int, reason: str | None
) -> CommittedStatusChange:
    """The family withdraws the registration its link names, and the seat it held is freed,
    in one transaction; the status trigger enqueues selfreg.status.updated.

    Raises InvalidLink, ExpiredLink, StaleVersion, or Conflict invalid_transition (converted,
    rejected, already withdrawn)."""
    link = read_family_link(keys, token, now)
    with lifecycle_refusals_as_domain_errors(), transaction(connection) as cursor:
        row = linked_registration(cursor, link, lock=True)
        require_version(row, version)
        change = plan_withdrawal(row["status"], (reason or "")[:REASON_LENGTH])
        apply_status_change(cursor, link.school_id, link.registration_id, change, FAMILY_ACTOR)
        freed = placements_store.unplace(cursor, link.school_id, link.registration_id)
        if freed is not None:
            audit_store.record(
                cursor,
                school_id=link.school_id,
                actor=FAMILY_ACTOR,
                action="class_unassigned",
                entity_type="registration",
                entity_id=link.registration_id,
                old_value=str(freed),
                reason="withdrawn by the family",
            )
        seat_offers.release_closed_registration(cursor, link.school_id, link.registration_id, freed)
    return CommittedStatusChange(
        change.from_status, change.to_status, change.note, version=row["version"] + 1
    )


def linked_registration(cursor, link: OpenedFamilyLink, *, lock: bool = False) -> dict:
    row = family_store.registration_for_family(
        cursor, link.school_id, link.registration_id, lock=lock
    )
    if row is None or not link.sent_to(row["guardian_email"]):
        raise InvalidLink("this link is not valid")
    return row


def _invoice(keys: KeyRing, link: OpenedFamilyLink, row: dict | None, now: datetime):
    if row is None or row["status"] not in _SHOWN_INVOICES:
        return None
    autopay_url = None
    if row["status"] == "issued" and row["send_autopay_link"]:
        # The family page is itself the family's credential: it may hand out a fresh link.
        autopay = AutopayLink(link.school_id, row["id"], link_expiry(now))
        autopay_url = autopay_path(keys, autopay)
    return {
        "number": row["number"],
        "status": row["status"],
        # In minor units: the page writes them the way the family's language writes money.
        "currency": row["currency"],
        "amount_minor": row["amount_minor"],
        "paid_minor": row["paid_minor"],
        "outstanding_minor": row["amount_minor"] - row["paid_minor"],
        "autopay_path": autopay_url,
    }
