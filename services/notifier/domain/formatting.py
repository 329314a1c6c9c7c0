"""What the e-mails say about a family, an amount or a list, from event payloads that may lack
a field: every helper here gives something sensible (or None) rather than failing."""

from __future__ import annotations

import json
import re
from datetime import date, time
from typing import Any, Mapping

from shared.locales import FamilyLocale
from shared.registration_status import Status


def N_(message: str) -> str:
    """Marks a string for the catalog; it is translated where the family's language is known."""
    return message


# One address, no spaces or line breaks (which would let it write mail headers of its own).
_ADDRESS = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+")
MAX_ADDRESS_LENGTH = 254

STATUS_LABELS = {
    Status.PENDING: N_("received"),
    Status.IN_REVIEW: N_("in review"),
    Status.NEEDS_INFO: N_("waiting for information from you"),
    Status.APPROVED: N_("approved"),
    Status.REJECTED: N_("not accepted"),
    Status.CONVERTED: N_("enrolled"),
    Status.WITHDRAWN: N_("withdrawn at your request"),
}


def normalise_address(value: Any) -> str | None:
    """The address in lower case, or None when it is not one address."""
    if not isinstance(value, str):
        return None
    address = value.strip().lower()
    if len(address) > MAX_ADDRESS_LENGTH or not _ADDRESS.fullmatch(address):
        return None
    return address


def format_amount(amount_minor: Any, currency: Any, locale: FamilyLocale = FamilyLocale()) -> str:
    """'$1,250.00' (or '1.250,00 US$') from 125000 minor units, as the family's language
    writes money; what the event says, as it says it, when it is not a whole number."""
    code = currency.upper() if isinstance(currency, str) and currency else ""
    try:
        minor = int(amount_minor)
    except (TypeError, ValueError):
        return f"{code} {amount_minor}".strip()
    return locale.money(minor, code)


def day(value: Any, locale: FamilyLocale) -> str | None:
    """A YYYY-MM-DD as the language writes a day; anything else as the event says it."""
    try:
        return locale.day(date.fromisoformat(value))
    except (TypeError, ValueError):
        return text_or_none(value)


def time_of_day(value: Any, locale: FamilyLocale) -> str | None:
    """An HH:MM as the language's clock reads it; anything else as the event says it."""
    try:
        return locale.time_of_day(time.fromisoformat(value))
    except (TypeError, ValueError):
        return text_or_none(value)


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


def class_info(placed: Any, locale: FamilyLocale) -> dict | None:
    """The class a welcome names, from the event's "class", in the family's language (None
    when it names none)."""
    if not isinstance(placed, Mapping):
        return None
    weekday = placed.get("weekday")
    return {
        "name": placed.get("name"),
        "room": placed.get("room"),
        "weekday": locale.weekday(weekday)
        if isinstance(weekday, int) and 0 <= weekday < 7
        else None,
        "start_time": time_of_day(placed.get("start_time"), locale),
        "end_time": time_of_day(placed.get("end_time"), locale),
        "starts_on": day(placed.get("starts_on"), locale),
    }
