"""What the e-mails say about a family, an amount or a list, from event payloads that may lack
a field: every helper here gives something sensible (or None) rather than failing."""

from __future__ import annotations

import json
import re
from typing import Any, Mapping

from shared.money import format_money
from shared.registration_status import Status

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# One address, no spaces or line breaks (which would let it write mail headers of its own).
_ADDRESS = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+")
MAX_ADDRESS_LENGTH = 254

STATUS_LABELS = {
    Status.PENDING: "received",
    Status.IN_REVIEW: "in review",
    Status.NEEDS_INFO: "waiting for information from you",
    Status.APPROVED: "approved",
    Status.REJECTED: "not accepted",
    Status.CONVERTED: "enrolled",
    Status.WITHDRAWN: "withdrawn at your request",
}


def normalise_address(value: Any) -> str | None:
    """The address in lower case, or None when it is not one address."""
    if not isinstance(value, str):
        return None
    address = value.strip().lower()
    if len(address) > MAX_ADDRESS_LENGTH or not _ADDRESS.fullmatch(address):
        return None
    return address


def format_amount(amount_minor: Any, currency: Any) -> str:
    """'USD 1,250.00' from 125000 minor units (shared.money's form); what the event says, as
    it says it, when the amount is not a whole number of minor units."""
    code = currency.upper() if isinstance(currency, str) and currency else ""
    try:
        minor = int(amount_minor)
    except (TypeError, ValueError):
        return f"{code} {amount_minor}".strip()
    return format_money(minor, code)


def missing_items(value: Any) -> list[str]:
    """What the school still needs, from a list, a JSON list in a string, or plain text."""
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        try:
            value = json.loads(text)
        except ValueError:
            return [text]
        if isinstance(value, str):
            return [value] if value.strip() else []
    if isinstance(value, (list, tuple)):
        return [str(item).strip() for item in value if str(item).strip()]
    return [str(value)]


def text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def family_context(payload: Mapping[str, Any]) -> dict:
    """Names for the greeting and the student, each None when the event does not carry it."""
    first = text_or_none(payload.get("student_first_name"))
    last = text_or_none(payload.get("student_last_name"))
    return {
        "guardian_name": text_or_none(payload.get("guardian_name")),
        "student_first_name": first,
        "student_last_name": last,
        "student_name": " ".join(part for part in (first, last) if part) or None,
    }


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", (status or "updated").replace("_", " "))


def class_info(placed: Any) -> dict | None:
    """The class a welcome names, from the event's "class" (None when it names none)."""
    if not isinstance(placed, Mapping):
        return None
    weekday = placed.get("weekday")
    return {
        "name": placed.get("name"),
        "room": placed.get("room"),
        "weekday": WEEKDAYS[weekday] if isinstance(weekday, int) and 0 <= weekday < 7 else None,
        "start_time": placed.get("start_time"),
        "end_time": placed.get("end_time"),
        "starts_on": placed.get("starts_on"),
    }
