"""Autopay mandates: what a signed autopay link shows the family, and recording their consent
(with the time, their address and browser) once per invoice, announced by
invoice.autopay.enrolled in the same transaction.

The link itself says which school and invoice it is for; its signature is the family's only
credential, so every lookup here is scoped by the school the link names.
"""

from __future__ import annotations

from datetime import datetime

from registrar.adapters import audit_store, outbox_store
from registrar.adapters.json_values import iso_utc
from shared.db import transaction
from shared.errors import NotFound
from shared.events import Event, EventType
from shared.family_links import AutopayLink, read_autopay_link
from shared.money import format_money
from shared.signing import KeyRing

# Longest user agent kept with a mandate (the column's width).
USER_AGENT_LENGTH = 255


def open_link(connection, keys: KeyRing, token: str, now: datetime) -> dict:
    """What the page shows for a link; raises InvalidLink, ExpiredLink or NotFound."""
    link = read_autopay_link(keys, token, now)
    with connection.cursor() as cursor:
        return _mandate_page(cursor, link)


def accept(
    connection,
    keys: KeyRing,
    token: str,
    now: datetime,
    *,
    signer_name: str,
    client_address: str,
    user_agent: str | None,
) -> dict:
    """Record the family's consent (again: nothing changes); returns the page's new state."""
    link = read_autopay_link(keys, token, now)
    with transaction(connection) as cursor:
        cursor.execute(
            "SELECT id FROM invoices WHERE id = %s AND school_id = %s FOR UPDATE",
            (link.invoice_id, link.school_id),
        )
        if cursor.fetchone() is None:
            raise NotFound("invoice")
        page = _mandate_page(cursor, link)
        if page["accepted_at"] is None and page["status"] == "issued":
            cursor.execute(
                "INSERT INTO autopay_mandates (school_id, invoice_id, registration_id, "
                "guardian_email, signer_name, accepted_at, client_address, user_agent) "
                "VALUES (%s, %s, %s, %s, %s, UTC_TIMESTAMP(6), %s, %s)",
                (
                    link.school_id,
                    link.invoice_id,
                    page["registration_id"],
                    page["guardian_email"],
                    signer_name,
                    client_address,
                    (user_agent or "")[:USER_AGENT_LENGTH] or None,
                ),
            )
            audit_store.record(
                cursor,
                school_id=link.school_id,
                actor=f"guardian:{page['guardian_email']}",
                action="autopay_mandate_accepted",
                entity_type="registration",
                entity_id=page["registration_id"],
                new_value=page["number"],
                reason=f"signed by {signer_name} from {client_address}",
            )
            page = _mandate_page(cursor, link)
            outbox_store.enqueue(cursor, _enrolled_event(link, page))
    return page


def _enrolled_event(link: AutopayLink, page: dict) -> Event:
    return Event.new(
        EventType.AUTOPAY_ENROLLED,
        link.school_id,
        page["registration_id"],
        {
            "registration_id": page["registration_id"],
            "invoice_id": link.invoice_id,
            "number": page["number"],
            "amount_minor": page["amount_minor"],
            "currency": page["currency"],
            "accepted_at": page["accepted_at"],
            "guardian_email": page["guardian_email"],
        },
    )


def _mandate_page(cursor, link: AutopayLink) -> dict:
    cursor.execute(
        "SELECT i.id, i.number, i.status, i.amount_minor, i.currency, i.registration_id, "
        "sc.name AS school_name, sc.timezone AS school_timezone, r.guardian_email, "
        "r.guardian_name, r.student_first_name, r.student_last_name, r.language, "
        "m.accepted_at, m.signer_name FROM invoices i "
        "JOIN schools sc ON sc.id = i.school_id "
        "JOIN student_self_registrations r ON r.id = i.registration_id "
        "AND r.school_id = i.school_id "
        "LEFT JOIN autopay_mandates m ON m.invoice_id = i.id AND m.school_id = i.school_id "
        "WHERE i.id = %s AND i.school_id = %s",
        (link.invoice_id, link.school_id),
    )
    row = cursor.fetchone()
    if row is None:
        raise NotFound("invoice")
    return {
        **row,
        "amount": format_money(row["amount_minor"], row["currency"]),
        "accepted_at": iso_utc(row["accepted_at"]),
        "accepted_on": row["accepted_at"].date() if row["accepted_at"] else None,
        "expires_at": link.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
        "link_expires_at": link.expires_at,
    }
