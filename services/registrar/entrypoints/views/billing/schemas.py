"""Approvals, invoices and payments, as the API reads and writes them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from registrar.domain.billing import PAYMENT_METHODS
from registrar.entrypoints.views.fields import Text


class ApprovalRequest(Schema):
    registration_id = fields.Int(required=True, strict=True, validate=validate.Range(min=1))
    send_invoice = fields.Bool(
        required=True,
        truthy={True},
        falsy={False},
        metadata={"description": "e-mail the invoice to the family"},
    )
    send_autopay_link = fields.Bool(
        required=True,
        truthy={True},
        falsy={False},
        metadata={
            "description": "include an autopay link (only when the school's autopay flag is on)"
        },
    )


class PaymentRequest(Schema):
    amount_minor = fields.Int(
        required=True,
        strict=True,
        validate=validate.Range(min=1, error="must be a positive amount in minor units"),
    )
    method = fields.Str(required=True, validate=validate.OneOf(PAYMENT_METHODS))
    reference = Text(load_default=None, allow_none=True, validate=validate.Length(max=120))


class InvoiceLineOut(Schema):
    label = fields.Str()
    amount_minor = fields.Int()


class PaymentOut(Schema):
    id = fields.Int()
    amount_minor = fields.Int()
    method = fields.Str()
    reference = fields.Str(allow_none=True)
    recorded_at = fields.Str()


class InvoiceOut(Schema):
    id = fields.Int()
    number = fields.Str()
    registration_id = fields.Int()
    status = fields.Str(metadata={"description": "draft, issued, paid or void"})
    currency = fields.Str()
    amount_minor = fields.Int()
    paid_minor = fields.Int()
    balance_minor = fields.Int()
    lines = fields.List(fields.Nested(InvoiceLineOut))
    payments = fields.List(fields.Nested(PaymentOut))
    issued_at = fields.Str(allow_none=True)
    paid_at = fields.Str(allow_none=True)
    autopay_url = fields.Str(allow_none=True)
    autopay_accepted_at = fields.Str(allow_none=True)


class PaymentRecordedOut(Schema):
    payment = fields.Nested(PaymentOut)
    invoice = fields.Nested(InvoiceOut)
