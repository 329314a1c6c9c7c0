"""Recording a payment against an invoice; the one that settles it marks the invoice paid and
enqueues invoice.paid, in the same transaction.

The invoice row is locked first, so two payments recorded at once are applied one after the
other and can never together pay more than the invoice's total.
"""

from __future__ import annotations

from registrar.adapters import audit_store, billing_store, outbox_store
from registrar.domain.billing import InvoiceNotPayable, PaymentRefused, apply_payment
from shared.config import Settings
from shared.db import transaction
from shared.errors import Conflict, InvalidInput
from shared.events import Event, EventType


def pay(
    connection,
    settings: Settings,
    school_id: int,
    invoice_id: int,
    amount_minor: int,
    method: str,
    reference: str | None,
    actor: str,
) -> dict:
    """Returns the payment and the invoice after it. Raises NotFound, Conflict
    (invoice_not_payable) and InvalidInput (not positive, or more than the balance)."""
    with transaction(connection) as cursor:
        invoice = billing_store.invoice_row(cursor, school_id, invoice_id, lock=True)
        try:
            outcome = apply_payment(
                invoice["status"], invoice["amount_minor"], invoice["paid_minor"], amount_minor
            )
        except InvoiceNotPayable as exc:
            raise Conflict(
                str(exc), code="invoice_not_payable", details={"status": exc.status}
            ) from None
        except PaymentRefused as exc:
            raise InvalidInput(
                "some fields are invalid",
                details={
                    "fields": {"amount_minor": [str(exc)]},
                    "balance_minor": exc.balance_minor,
                },
            ) from None
        payment_id = billing_store.record_payment(
            cursor,
            school_id,
            invoice_id,
            amount_minor,
            method,
            reference,
            outcome.paid_minor,
            outcome.settles,
            actor,
        )
        audit_store.record(
            cursor,
            school_id=school_id,
            actor=actor,
            action="payment_recorded",
            entity_type="registration",
            entity_id=invoice["registration_id"],
            new_value=f"{invoice['number']}: {amount_minor} {invoice['currency']} by {method}",
            reason=reference,
        )
        invoice = billing_store.invoice_row(cursor, school_id, invoice_id)
        if outcome.settles:
            _settled(cursor, invoice, method, actor)
        answer = billing_store.invoice_answer(cursor, school_id, invoice, settings)
    payment = next(p for p in answer["payments"] if p["id"] == payment_id)
    return {"payment": payment, "invoice": answer}


def _settled(cursor, invoice: dict, method: str, actor: str) -> None:
    audit_store.record(
        cursor,
        school_id=invoice["school_id"],
        actor=actor,
        action="invoice_paid",
        entity_type="registration",
        entity_id=invoice["registration_id"],
        new_value=invoice["number"],
    )
    cursor.execute(
        "SELECT guardian_email, language FROM student_self_registrations "
        "WHERE id = %s AND school_id = %s",
        (invoice["registration_id"], invoice["school_id"]),
    )
    guardian = cursor.fetchone()
    outbox_store.enqueue(
        cursor,
        Event.new(
            EventType.INVOICE_PAID,
            invoice["school_id"],
            invoice["registration_id"],
            {
                "registration_id": invoice["registration_id"],
                "invoice_id": invoice["id"],
                "number": invoice["number"],
                "amount_minor": invoice["amount_minor"],
                "currency": invoice["currency"],
                "last_payment_method": method,
                "paid_at": invoice["paid_at"],
                "guardian_email": guardian["guardian_email"],
                "language": guardian["language"],
            },
        ),
    )
