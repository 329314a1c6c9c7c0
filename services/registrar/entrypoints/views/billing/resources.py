"""POST /api/admin/self-registration/approve, GET /api/admin/invoices/{id} and
POST /api/admin/invoices/{id}/payments.

A registrar approves and records payments; anyone of the school (viewer and up) reads invoices,
but only those who may act for the school (registrar and up) see the autopay link: it is a
bearer credential that pays for the family.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app
from flask_smorest import Blueprint

from registrar.adapters import billing_store
from registrar.adapters.users_store import actor_for
from registrar.entrypoints.access import current_principal, has_role, requires
from registrar.entrypoints.views.billing.schemas import (
    ApprovalRequest,
    InvoiceOut,
    PaymentRecordedOut,
    PaymentRequest,
)
from registrar.entrypoints.views.json_only import json_only
from registrar.service_layer.approvals import approve
from registrar.service_layer.payments import pay
from shared.web import request_db

blp = Blueprint(
    "billing",
    __name__,
    url_prefix="/api/admin",
    description="Approving registrations with their invoice; payments.",
)


@blp.route("/self-registration/approve", methods=["POST"])
@requires("registrar")
@json_only
@blp.arguments(ApprovalRequest)
@blp.response(200, InvoiceOut)
@blp.alt_response(409, description="invalid_transition, class_not_assigned or no_fee_schedule")
def approve_registration(approval):
    """Approve a registration (from in_review) and issue its invoice for its class; asking
    again answers the same invoice."""
    connection, principal = request_db("registrar"), current_principal()
    return approve(
        connection,
        current_app.config["EDQUILL_SETTINGS"],
        principal.school_id,
        approval["registration_id"],
        send_invoice=approval["send_invoice"],
        send_autopay_link=approval["send_autopay_link"],
        actor=actor_for(connection, principal),
        now=datetime.now(timezone.utc),
    )


@blp.route("/invoices/<int:invoice_id>", methods=["GET"])
@requires("viewer")
@blp.response(200, InvoiceOut)
def invoice(invoice_id):
    """One invoice with its lines, payments and balance; its autopay link for the registrar
    and admin roles only (null for a viewer)."""
    principal = current_principal()
    signing = current_app.config["EDQUILL_SETTINGS"] if has_role(principal, "registrar") else None
    with request_db("registrar").cursor() as cursor:
        row = billing_store.invoice_row(cursor, principal.school_id, invoice_id)
        return billing_store.invoice_answer(cursor, principal.school_id, row, signing)


@blp.route("/invoices/<int:invoice_id>/payments", methods=["POST"])
@requires("registrar")
@json_only
@blp.arguments(PaymentRequest)
@blp.response(201, PaymentRecordedOut)
@blp.alt_response(409, description="invoice_not_payable: a draft or void invoice")
def record_payment(payment, invoice_id):
    """Record a payment; the one that pays the balance marks the invoice paid (422 for more
    than the balance)."""
    connection, principal = request_db("registrar"), current_principal()
    return pay(
        connection,
        current_app.config["EDQUILL_SETTINGS"],
        principal.school_id,
        invoice_id,
        payment["amount_minor"],
        payment["method"],
        payment["reference"],
        actor_for(connection, principal),
    )
