"""How the pages put things into words: statuses, flags, audit entries, messages, amounts,
times in the school's time zone, and the API's refusals as sentences. No I/O."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from registrar.domain.scheduling import WEEKDAYS
from shared.money import format_money
from shared.registration_status import Status

STATUS_LABELS = {
    Status.PENDING: "Pending",
    Status.IN_REVIEW: "In review",
    Status.NEEDS_INFO: "Needs info",
    Status.APPROVED: "Approved",
    Status.CONVERTED: "Converted",
    Status.REJECTED: "Rejected",
    Status.WITHDRAWN: "Withdrawn",
}

DOCUMENT_KIND_LABELS = {
    "birth_certificate": "Birth certificate",
    "proof_of_address": "Proof of address",
    "immunization_record": "Immunization record",
    "previous_report": "Previous school report",
    "photo_id": "Photo ID",
    "other": "Other document",
}

MESSAGE_LABELS = {
    "status_update": "Status update",
    "needs_info": "Information requested",
    "approved": "Approval",
    "welcome": "Welcome e-mail",
    "receipt": "Payment receipt",
    "needs_info_reminder": "Reminder: information requested",
    "invoice_reminder": "Reminder: unpaid invoice",
    "reminder_digest": "Reminders",
    "family_link": "Link to the family page",
}

MESSAGE_STATUS_LABELS = {
    "queued": "waiting to be sent",
    "held": "held until quiet hours end",
    "sent": "sent",
    "failed": "not sent (failed)",
    "suppressed": "not sent (no consent)",
    "duplicate": "not sent again (duplicate)",
    "collapsed": "sent in a digest",
    "cancelled": "cancelled",
}

FIELD_LABELS = {
    "note": "Message or reason",
    "status": "New status",
    "missing": "What is missing",
    "teacher_id": "Teacher",
    "schedule_id": "Class",
    "file": "File",
    "kind": "Kind of document",
    "version": "Version",
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


def money(amount_minor: int | None, currency: str) -> str:
    return "" if amount_minor is None else format_money(int(amount_minor), currency)


def weekday(number: int) -> str:
    return WEEKDAYS[number]


def sentence(text: str) -> str:
    """The API's lower-case messages as sentences: capitalised, with a full stop."""
    text = (text or "").strip()
    if not text:
        return ""
    for status in (Status.IN_REVIEW, Status.NEEDS_INFO):  # the API names statuses by key
        text = text.replace(status, STATUS_LABELS[status].lower())
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def field_errors(details: dict) -> dict[str, str]:
    """An ApiError's details.fields as one sentence per field."""
    fields = details.get("fields") or {}
    return {
        name: " ".join(
            sentence(str(m)) for m in (messages if isinstance(messages, list) else [messages])
        )
        for name, messages in fields.items()
    }


class SchoolClock:
    """Times as the school reads them: in its time zone, day month year and 24-hour clock."""

    def __init__(self, timezone_name: str):
        try:
            self.zone = ZoneInfo(timezone_name)
        except (ZoneInfoNotFoundError, ValueError):
            self.zone = ZoneInfo("UTC")
        self.name = str(self.zone)

    def local(self, moment: datetime | str | None) -> datetime | None:
        if moment is None or moment == "":
            return None
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        if moment.tzinfo is None:  # the database keeps UTC without a zone
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(self.zone)

    def format(self, moment: datetime | str | None) -> str:
        local = self.local(moment)
        return local.strftime("%-d %b %Y, %H:%M") if local else ""

    def iso(self, moment: datetime | str | None) -> str:
        local = self.local(moment)
        return local.isoformat(timespec="seconds") if local else ""


def describe_change(entry: dict) -> str:
    """One audit entry of a registration, in words."""
    action, old, new = entry["action"], entry.get("old_value"), entry.get("new_value")
    reason = entry.get("reason")
    if action == "status_changed":
        return f"Status changed from {status_label(old or '')} to {status_label(new or '')}"
    if action == "class_assigned":
        return f"Placed in {reason or 'class ' + str(new)}" + (
            " (moved from another class)" if old else ""
        )
    if action == "class_unassigned":
        return f"Taken out of class {old}: the seat is free"
    if action == "waitlisted":
        return f"Put on the waitlist of class {new} ({reason})"
    if action == "seat_offered":
        return f"Offered a seat in class {new}"
    if action == "invoice_issued":
        return f"Invoice issued ({new})"
    if action == "payment_recorded":
        return f"Payment recorded ({new})"
    if action == "invoice_paid":
        return f"Invoice {new} paid in full"
    if action == "document_uploaded":
        kind, _, name = (new or "").partition(": ")
        return f"{DOCUMENT_KIND_LABELS.get(kind, kind)} uploaded: {name}"
    if action == "document_verified":
        return f"Document verified: {new}"
    if action == "info_provided":
        return f"The family answered the request for information ({new})"
    if action == "autopay_mandate_accepted":
        return "The family set up autopay"
    return action.replace("_", " ").capitalize() + (f": {new}" if new else "")


def done_notice(done: str, panel: dict) -> dict | None:
    """The confirmation after an action succeeded (post/redirect/get), from the state now."""
    registration = panel["registration"]
    invoice, placement = panel["invoice"], panel["placement"]
    texts = {
        "status_changed": f"Saved: the registration is now {status_label(registration['status'])}.",
        "class_assigned": f"Saved: placed in {placement['name']}." if placement else None,
        "approved": f"Approved: invoice {invoice['number']} for "
        f"{money(invoice['amount_minor'], invoice['currency'])} is issued."
        if invoice
        else None,
        "converted": f"Converted: {registration['student_first_name']} is enrolled as student "
        f"{registration['student_id']}.",
        "document_uploaded": "Saved: the document is uploaded.",
        "document_verified": "Saved: the document is marked as verified.",
        "waitlisted": "Saved: the registration is on the class's waitlist.",
    }
    text = texts.get(done)
    return {"kind": "success", "text": text} if text else None
