"""The messages the notifier knows how to write: each template's key, purpose, description,
and a sample of its variables (the API shows them, and checks a school's template against it).

Every template to a family may also use: school_name, guardian_name, student_first_name,
student_last_name, student_name (each may be None), registration_id, family_url (the family's
page of the registration; None without one) and unsubscribe_url. family_url, unsubscribe_url
and autopay_url are placeholders when a message is written, signed links under
EDQUILL_PUBLIC_URL in the e-mail (notifier.domain.link_placeholders): use them whole, as an
href or on a line of their own, never through a filter that changes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from notifier.domain.consent import Purpose
from shared.locales import SOURCE_LANGUAGE, SUPPORTED_LANGUAGES

_FAMILY = {
    "school_name": "Sunrise Music School",
    "guardian_name": "Grace Hopper",
    "student_first_name": "Ada",
    "student_last_name": "Lovelace",
    "student_name": "Ada Lovelace",
    "registration_id": 123,
    "family_url": "https://school.example/family/sample",
    "unsubscribe_url": "https://school.example/unsubscribe/sample",
}
_INVOICE = {
    "number": "INV-0007",
    "amount": "USD 250.00",
    "currency": "USD",
    "lines": [{"label": "Tuition: Piano", "amount": "USD 250.00"}],
    "issued_on": "2026-01-05",
}


@dataclass(frozen=True)
class TemplateInfo:
    key: str
    purpose: Purpose
    description: str
    sample: dict


def _info(key: str, purpose: Purpose, description: str, **sample) -> TemplateInfo:
    return TemplateInfo(key, purpose, description, {**_FAMILY, **sample})


_REMINDER_ITEMS = [
    {
        "kind": "needs_info",
        "note": "Please send the birth certificate.",
        "missing": ["birth certificate"],
        "asked_on": "2026-01-02",
    },
    {"kind": "invoice_unpaid", "invoice": _INVOICE, "autopay_url": None},
]

TEMPLATES: dict[str, TemplateInfo] = {
    info.key: info
    for info in (
        _info(
            "needs_info",
            Purpose.TRANSACTIONAL,
            "The school needs more information: its message (note) and what is missing.",
            note="Please send a copy of the birth certificate.",
            missing=["birth certificate"],
        ),
        _info(
            "approved",
            Purpose.TRANSACTIONAL,
            "The registration is approved; with the invoice and the autopay link when the "
            "registrar chose to send them (invoice / autopay_url are None otherwise).",
            invoice=_INVOICE,
            autopay_url="https://school.example/autopay/sample",
        ),
        _info(
            "welcome",
            Purpose.TRANSACTIONAL,
            "The student is enrolled (sent when the registrar asks for the welcome e-mail); "
            "class_info is None when the student has no class yet.",
            program="music",
            class_info={
                "name": "Piano",
                "weekday": "Monday",
                "start_time": "16:00",
                "end_time": "17:00",
                "starts_on": "2026-01-05",
                "room": "Room 4",
            },
        ),
        _info(
            "status_update",
            Purpose.TRANSACTIONAL,
            "The registration's status changed (for the statuses the school turned on).",
            status="in_review",
            status_label="in review",
            note=None,
        ),
        _info(
            "family_link",
            Purpose.TRANSACTIONAL,
            "The family asked for fresh links on /family: the registration's family_url, and "
            "where it stands (status_label).",
            status_label="in review",
        ),
        _info(
            "waitlisted",
            Purpose.TRANSACTIONAL,
            "The registration waits for a full class: its place on the list (position).",
            position=2,
        ),
        _info(
            "seat_offered",
            Purpose.TRANSACTIONAL,
            "A seat in the class (class_info) is held for the family until holds_until (the "
            "school's time); its family_url page has Accept and Decline.",
            class_info={
                "name": "Piano",
                "weekday": "Monday",
                "start_time": "16:00",
                "end_time": "17:00",
                "starts_on": "2026-01-05",
                "room": None,
            },
            holds_until="2026-01-03, 16:00",
        ),
        _info(
            "seat_expired",
            Purpose.TRANSACTIONAL,
            "The seat held until held_until was not taken in time and went to the next family.",
            held_until="2026-01-03, 16:00",
        ),
        _info(
            "family_answered",
            Purpose.TRANSACTIONAL,
            "To the school's staff address (when the school's settings name one), in English: "
            "a family answered a request for information; answered (words came), "
            "document_count, and workspace_url (the registration in the workspace, behind "
            "the sign-in).",
            answered=True,
            document_count=1,
            workspace_url="https://school.example/admin/registrar?registration=123",
        ),
        TemplateInfo(
            "staff_invitation",
            Purpose.TRANSACTIONAL,
            "To a colleague an admin invited, in English: invitation_url (the one-time link "
            "to set the password of their new account; a placeholder until sent), role, "
            "invited_by (the admin's address, or None) and expires_on (the school's time).",
            {
                "school_name": "Sunrise Music School",
                "role": "registrar",
                "invited_by": "head@school.example",
                "expires_on": "January 8, 2026, 4:00 PM",
                "invitation_url": "https://school.example/staff/invitation/sample",
                "unsubscribe_url": "https://school.example/unsubscribe/sample",
            },
        ),
        _info(
            "receipt",
            Purpose.TRANSACTIONAL,
            "A payment settled the invoice.",
            invoice=_INVOICE,
            paid_on="2026-01-09",
            payment_method="card",
        ),
        _info(
            "consent_confirmation",
            Purpose.TRANSACTIONAL,
            "A form asked for reminders for an address that unsubscribed: the address's owner "
            "confirms from confirm_url (until expires_on), or stays unsubscribed.",
            confirm_url="https://school.example/unsubscribe/resubscribe/sample",
            expires_on="2026-01-21",
        ),
        _info(
            "needs_info_reminder",
            Purpose.REMINDERS,
            "The school's request for information is still unanswered.",
            note="Please send the birth certificate.",
            missing=["birth certificate"],
            asked_on="2026-01-02",
        ),
        _info(
            "invoice_reminder",
            Purpose.REMINDERS,
            "The invoice is still unpaid.",
            invoice=_INVOICE,
            autopay_url=None,
        ),
        _info(
            "reminder_digest",
            Purpose.REMINDERS,
            "Several reminders to one family, held through quiet hours, sent as one: items "
            "holds each reminder's variables and its kind (needs_info or invoice_unpaid).",
            items=_REMINDER_ITEMS,
            count=len(_REMINDER_ITEMS),
        ),
    )
}

DIGEST_TEMPLATE = "reminder_digest"
CONFIRMATION_TEMPLATE = "consent_confirmation"
# Written to the school's staff, in English whatever the family's language: one wording each.
STAFF_TEMPLATES = frozenset({"family_answered"})


def wording_languages(key: str) -> tuple[str, ...]:
    """The languages a school may keep its own wording of `key` in."""
    return (SOURCE_LANGUAGE,) if key in STAFF_TEMPLATES else SUPPORTED_LANGUAGES
