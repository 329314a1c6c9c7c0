"""What an invoice e-mail shows of its invoice, and the moments an event's payload states,
read leniently (a missing or unreadable one falls back to a default). No I/O."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from notifier.domain import formatting
from notifier.domain.link_placeholders import autopay_placeholder
from shared.events import parse_timestamp
from shared.family_links import link_expiry
from shared.locales import FamilyLocale


def autopay_link(payload: Mapping[str, Any]) -> str | None:
    """The placeholder of the invoice's autopay link, which the sender signs: the event
    carries the link's expiry, never the link."""
    expires_at = moment_or(payload.get("autopay_link_expires_at"), None)
    if expires_at is None:
        # An event enqueued before the expiry replaced the link in the payload: the registrar's
        # own rule gives it (to within the second, and any signed expiry opens the page).
        issued_at = moment_or(payload.get("issued_at"), None)
        if issued_at is None:
            return None
        expires_at = link_expiry(issued_at)
    return autopay_placeholder(payload["invoice_id"], expires_at)


def invoice_context(payload: Mapping[str, Any], locale: FamilyLocale) -> dict:
    currency = payload.get("currency")
    lines = payload.get("lines") if isinstance(payload.get("lines"), list) else []
    issued_at = moment_or(payload.get("issued_at"), None)
    return {
        "number": formatting.text_or_none(payload.get("number")) or f"#{payload['invoice_id']}",
        "amount": formatting.format_amount(payload.get("amount_minor"), currency, locale),
        "currency": currency,
        "lines": [
            {
                "label": str(line.get("label", "")),
                "amount": formatting.format_amount(line.get("amount_minor"), currency, locale),
            }
            for line in lines
            if isinstance(line, Mapping)
        ],
        "issued_on": locale.day(issued_at.date()) if issued_at else None,
    }


def moment_or(value: Any, default: datetime | None) -> datetime | None:
    if value is None:
        return default
    try:
        return parse_timestamp(value)
    except ValueError:
        return default
