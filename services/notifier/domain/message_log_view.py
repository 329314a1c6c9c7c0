"""The message log as a school's admin reads it: what each filter means in the statuses the
log keeps, what a search is for (an address or a registration number), where the next page
starts (an opaque cursor over the ids, newest first), and why each message is where it is."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

# The filters the page offers, as the statuses t_message_log keeps, with their words.
STATUS_FILTERS = {
    "sent": "Sent",
    "held": "Held for quiet hours",
    "suppressed": "Suppressed (no consent)",
    "failed": "Failed",
    "queued": "Waiting to be sent",
}
# A cursor names the list it pages: one of another list is refused, not misread.
_CURSOR_KIND = "messages"


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Search:
    """A search box's text: a registration number, else the start of a family's address."""

    registration_id: int | None = None
    address_prefix: str | None = None

    @classmethod
    def of(cls, text: str | None) -> "Search":
        text = (text or "").strip()
        if not text:
            return cls()
        if text.isdigit() and text.isascii():
            return cls(registration_id=int(text))
        return cls(address_prefix=text.lower())


def encode_cursor(last_id: int) -> str:
    """Where the page after the one ending at message `last_id` starts."""
    text = json.dumps([_CURSOR_KIND, int(last_id)], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> int:
    """The id the next page goes below; InvalidCursor for anything this API did not give out.
    Not signed: it carries no rights (every query is the caller's school's), only a place."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        kind, last_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise InvalidCursor("not a cursor this API gave out") from None
    if kind != _CURSOR_KIND or not isinstance(last_id, int) or isinstance(last_id, bool):
        raise InvalidCursor("not a cursor this API gave out")
    if last_id < 1:
        raise InvalidCursor("not a cursor this API gave out")
    return last_id


def reason_for(message: dict) -> str | None:
    """Why the message is where it is, in words; None for one that went as it should."""
    status, error = message["status"], message.get("error")
    if status == "held":
        return f"Held through the school's quiet hours; it goes at {_utc(message['hold_until'])}."
    if status == "collapsed" and message.get("collapsed_into"):
        digest = message["collapsed_into"]
        return f"Sent in one digest with the family's other reminders (message {digest})."
    if status == "queued":
        return error or "Waiting for the sender."
    if status == "sent":
        return None
    return error


def _utc(moment: datetime | None) -> str:
    if moment is None:
        return "the end of the quiet hours"
    return moment.strftime("%Y-%m-%d %H:%M UTC")
