"""What the detail panel shows of one registration, gathered from the modules that own each
part: the detail (registrar.service_layer.detail), the school's teachers and classes, the
actions the lifecycle allows from here, and, on the History tab, the messages the notifier sent.
"""

from __future__ import annotations

from registrar.adapters import billing_store, class_listing_store, flags_store, waitlist_store
from registrar.adapters.notifier_client import MessagesUnavailable, messages_for_registration
from registrar.domain.documents import DOCUMENT_KINDS
from registrar.domain.lifecycle import ALLOWED
from registrar.entrypoints.pages.wording import DOCUMENT_KIND_LABELS, status_label
from registrar.service_layer.approvals import AUTOPAY_FLAG
from registrar.service_layer.assignments import PLACEABLE
from registrar.service_layer.detail import registration_detail
from shared.registration_status import STATUSES, Status

TABS = (
    ("overview", "Overview"),
    ("docs", "Docs"),
    ("class", "Class"),
    ("fees", "Fees"),
    ("history", "History"),
)
TAB_KEYS = tuple(key for key, _label in TABS)

# Moves the status form offers; approving and converting have forms of their own (they
# invoice and enrol), so the plain move form leaves them out.
_OWN_FORMS = frozenset({Status.APPROVED, Status.CONVERTED})


def registration_panel(
    connection, session, registration_id: int, *, notifier_url: str, with_messages: bool
) -> dict:
    """Everything the panel renders; raises NotFound for another school's registration."""
    school_id = session.principal.school_id
    detail = registration_detail(connection, school_id, registration_id)
    registration = detail["overview"]
    status = registration["status"]
    with connection.cursor() as cursor:
        teachers = class_listing_store.list_teachers(cursor, school_id)
        schedules = class_listing_store.list_schedules(cursor, school_id)
        waits = waitlist_store.waits_of_registration(cursor, school_id, registration_id)
        autopay_enabled = flags_store.is_enabled(cursor, school_id, AUTOPAY_FLAG)
        # What the approval asked to send (the detail's invoice leaves it out).
        invoice_row = billing_store.invoice_of_registration(cursor, school_id, registration_id)
    invoice = next((fee for fee in detail["fees"] if fee["kind"] == "invoice"), None)
    panel = {
        "registration": registration,
        "documents": detail["documents"],
        "placement": detail["class"],
        "fees": detail["fees"],
        "invoice": invoice,
        "invoice_sent": {
            "invoice": bool(invoice_row["send_invoice"]),
            "autopay_link": bool(invoice_row["send_autopay_link"]),
        }
        if invoice_row
        else None,
        "history": list(reversed(detail["history"])),  # newest first, as the messages
        "teachers": teachers,
        "schedules": schedules,
        "waitlist": waits,
        "moves": [
            (target, status_label(target))
            for target in STATUSES
            if target in ALLOWED.get(status, ()) and target not in _OWN_FORMS
        ],
        "may_place": status in PLACEABLE,
        "may_approve": status == Status.IN_REVIEW
        or (status == Status.APPROVED and invoice is None),
        "may_convert": status == Status.APPROVED,
        "autopay_enabled": autopay_enabled,
        "document_kinds": [(kind, DOCUMENT_KIND_LABELS[kind]) for kind in DOCUMENT_KINDS],
        "messages": None,
        "messages_error": None,
    }
    if with_messages:
        panel["messages"], panel["messages_error"] = messages_of(
            notifier_url, session.token, registration_id
        )
    return panel


def messages_of(notifier_url: str, token: str, registration_id: int):
    """(messages, None), or (None, why they cannot be shown)."""
    try:
        return messages_for_registration(notifier_url, token, registration_id), None
    except MessagesUnavailable as exc:
        return None, (
            f"The list of messages sent cannot be shown right now: {exc}. "
            "The changes above are complete; try again in a moment."
        )
