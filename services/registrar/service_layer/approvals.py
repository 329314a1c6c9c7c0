"""Approving a registration: the move to approved, its invoice from the school's fee schedule
(draft, then issued), an autopay link when asked for and allowed, and the invoice.issued event,
all in one transaction.

Safe to retry: a registration has at most one invoice (the database refuses a second), and
approving one that has it answers that invoice again without writing anything, except that a
registration reopened to in_review since goes back to approved (with no second invoice).
"""

from __future__ import annotations

from datetime import datetime

from registrar.adapters import audit_store, billing_store, flags_store, outbox_store
from registrar.adapters.registrations_store import (
    apply_status_change,
    lock_registration,
    require_version,
)
from registrar.domain.billing import NoFeeForClass, invoice_lines
from registrar.domain.lifecycle import plan_status_change
from registrar.service_layer.lead_status import lifecycle_refusals_as_domain_errors
from shared.config import Settings
from shared.db import transaction
from shared.errors import Conflict
from shared.events import Event, EventType
from shared.family_links import link_expiry
from shared.registration_status import Status

AUTOPAY_FLAG = "autopay"

# Statuses in which an approval already happened, so asking again only answers the invoice.
_APPROVED_OR_LATER = (Status.APPROVED, Status.CONVERTED)


def approve(
    connection,
    settings: Settings,
    school_id: int,
    registration_id: int,
    *,
    send_invoice: bool,
    send_autopay_link: bool,
    actor: str,
    now: datetime,
    expected_version: int | None = None,
) -> dict:
    """Approve and invoice; returns the invoice. Raises NotFound, Conflict
    (invalid_transition, class_not_assigned, no_fee_schedule, stale_version when
    `expected_version` is given and the registration has moved on)."""
    with transaction(connection) as cursor:
        registration = lock_registration(cursor, school_id, registration_id)
        require_version(registration, expected_version)
        invoice = billing_store.invoice_of_registration(cursor, school_id, registration_id)
        if invoice is None:
            invoice = _approve_and_invoice(
                cursor, settings, registration, send_invoice, send_autopay_link, actor, now
            )
        elif registration["status"] not in _APPROVED_OR_LATER:
            _move_to_approved(cursor, registration, actor)
        return billing_store.invoice_answer(cursor, school_id, invoice, settings)


def _approve_and_invoice(
    cursor,
    settings: Settings,
    registration: dict,
    send_invoice: bool,
    send_autopay_link: bool,
    actor: str,
    now: datetime,
) -> dict:
    school_id, registration_id = registration["school_id"], registration["id"]
    if registration["status"] != Status.APPROVED:
        _move_to_approved(cursor, registration, actor)
    schedule = _placement(cursor, school_id, registration_id)
    try:
        lines = invoice_lines(
            billing_store.fee_items(cursor, school_id, schedule["id"], schedule["program"])
        )
    except NoFeeForClass:
        raise Conflict(
            f"the school has no fee for {schedule['name']}",
            code="no_fee_schedule",
            details={"schedule_id": schedule["id"], "program": schedule["program"]},
        ) from None
    autopay = send_autopay_link and flags_store.is_enabled(cursor, school_id, AUTOPAY_FLAG)
    invoice_id = billing_store.create_invoice(
        cursor,
        school_id,
        registration_id,
        schedule["id"],
        schedule["currency"],
        lines,
        actor,
        send_invoice=send_invoice,
        send_autopay_link=autopay,
        autopay_link_expires_at=link_expiry(now).replace(tzinfo=None) if autopay else None,
    )
    billing_store.issue(cursor, school_id, invoice_id)
    invoice = billing_store.invoice_row(cursor, school_id, invoice_id)
    audit_store.record(
        cursor,
        school_id=school_id,
        actor=actor,
        action="invoice_issued",
        entity_type="registration",
        entity_id=registration_id,
        new_value=f"{invoice['number']}: {invoice['amount_minor']} {invoice['currency']}",
    )
    outbox_store.enqueue(cursor, _issued_event(cursor, invoice, lines, registration))
    return invoice


def _move_to_approved(cursor, registration: dict, actor: str) -> None:
    with lifecycle_refusals_as_domain_errors():
        change = plan_status_change(registration["status"], Status.APPROVED)
    apply_status_change(cursor, registration["school_id"], registration["id"], change, actor)


def _placement(cursor, school_id: int, registration_id: int) -> dict:
    cursor.execute(
        "SELECT s.id, s.name, s.program, sc.currency FROM class_placements p "
        "JOIN class_schedules s ON s.id = p.schedule_id AND s.school_id = p.school_id "
        "JOIN schools sc ON sc.id = p.school_id "
        "WHERE p.registration_id = %s AND p.school_id = %s",
        (registration_id, school_id),
    )
    schedule = cursor.fetchone()
    if schedule is None:
        raise Conflict(
            "place the registration in a class before approving it: the invoice is for that class",
            code="class_not_assigned",
        )
    return schedule


def _issued_event(cursor, invoice: dict, lines, registration: dict) -> Event:
    """invoice.issued, with the autopay link's expiry but never the link: a bearer link
    does not travel through the outbox and the broker; the notifier signs it when it sends."""
    cursor.execute(
        "SELECT guardian_name, student_first_name, student_last_name, language "
        "FROM student_self_registrations WHERE id = %s AND school_id = %s",
        (registration["id"], registration["school_id"]),
    )
    family = cursor.fetchone()
    link_expires_at = invoice["autopay_link_expires_at"]
    return Event.new(
        EventType.INVOICE_ISSUED,
        invoice["school_id"],
        registration["id"],
        {
            "registration_id": registration["id"],
            "invoice_id": invoice["id"],
            "number": invoice["number"],
            "amount_minor": invoice["amount_minor"],
            "currency": invoice["currency"],
            "schedule_id": invoice["schedule_id"],
            "lines": [{"label": line.label, "amount_minor": line.amount_minor} for line in lines],
            "issued_at": invoice["issued_at"],
            "send_invoice": bool(invoice["send_invoice"]),
            "send_autopay_link": link_expires_at is not None,
            "autopay_link_expires_at": link_expires_at,
            "guardian_email": registration["guardian_email"],
            **family,
        },
    )
