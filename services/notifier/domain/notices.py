"""What each event asks of the notifier, as a Plan: messages to write now, reminders to
schedule or stop, consent to record. One pure function, `plan_for`, per the table in
docs/notifier.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from notifier.domain import formatting
from notifier.domain.consent import SELF_REGISTRATION_FORM, ConsentChange, Purpose
from notifier.domain.invoice_context import autopay_link, invoice_context, moment_or
from notifier.domain.link_placeholders import family_placeholder, workspace_placeholder
from notifier.domain.preferences import SchoolPreferences
from notifier.domain.reminders import (
    ReminderKind,
    ReminderRequest,
    ReminderStop,
    reminder_due_at,
    stop_for_payment,
    stops_for_status_change,
)
from shared.events import Event, EventType
from shared.family_links import link_expiry
from shared.locales import SOURCE_LANGUAGE, FamilyLocale
from shared.registration_status import Status


@dataclass(frozen=True)
class Notice:
    """One message to write now. recipient None: the event had no usable address."""

    template: str
    purpose: Purpose
    recipient: str | None
    dedupe_key: str
    context: dict


@dataclass(frozen=True)
class Plan:
    notices: tuple[Notice, ...] = ()
    reminders: tuple[ReminderRequest, ...] = ()
    stops: tuple[ReminderStop, ...] = ()
    consent: tuple[ConsentChange, ...] = ()


def plan_for(
    event: Event, preferences: SchoolPreferences, locale: FamilyLocale = FamilyLocale()
) -> Plan:
    """`locale`: the family's language; amounts, days and labels are written in it."""
    planner = _PLANNERS.get(event.event_type)
    return planner(event, preferences, locale) if planner else Plan()


# -- one planner per event type -------------------------------------------------------------


def _submitted(event: Event, preferences: SchoolPreferences, locale: FamilyLocale) -> Plan:
    payload = event.payload
    recipient = formatting.normalise_address(payload.get("guardian_email"))
    consent = ()
    if recipient is not None:
        consent = (
            ConsentChange(
                recipient,
                Purpose.REMINDERS,
                bool(payload.get("consent_email")),
                moment_or(
                    payload.get("consent_given_at") or payload.get("submitted_at"),
                    event.occurred_at,
                ),
                SELF_REGISTRATION_FORM,
                f"registration {payload['registration_id']}",
                registration_id=payload["registration_id"],
            ),
        )
    notices = ()
    if Status.PENDING in preferences.status_updates:
        notices = (_status_notice(event, preferences, recipient, Status.PENDING, locale),)
    return Plan(notices=notices, consent=consent)


def _status_updated(event: Event, preferences: SchoolPreferences, locale: FamilyLocale) -> Plan:
    payload = event.payload
    recipient = formatting.normalise_address(payload.get("guardian_email"))
    to_status = payload["to_status"]
    stops = stops_for_status_change(payload.get("from_status"), to_status)
    if to_status == Status.NEEDS_INFO:
        context = {
            **_base(event, preferences, locale),
            "note": formatting.text_or_none(payload.get("note")),
            "missing": formatting.missing_items(payload.get("missing")),
        }
        notice = Notice(
            "needs_info", Purpose.TRANSACTIONAL, recipient, f"event:{event.event_id}", context
        )
        reminders = ()
        if preferences.reminders_enabled and recipient is not None:
            reminders = (
                ReminderRequest(
                    ReminderKind.NEEDS_INFO,
                    recipient,
                    reminder_due_at(event.occurred_at, preferences.needs_info_reminder_after),
                    {**context, "asked_on": locale.day(event.occurred_at.date())},
                ),
            )
        return Plan(notices=(notice,), reminders=reminders, stops=stops)
    notices = ()
    if to_status in preferences.status_updates:
        notices = (_status_notice(event, preferences, recipient, to_status, locale),)
    return Plan(notices=notices, stops=stops)


def _welcome_requested(event: Event, preferences: SchoolPreferences, locale: FamilyLocale) -> Plan:
    payload = event.payload
    context = {
        **_base(event, preferences, locale),
        "program": formatting.text_or_none(payload.get("program")),
        "class_info": formatting.class_info(payload.get("class"), locale),
    }
    return Plan(
        notices=(
            Notice(
                "welcome",
                Purpose.TRANSACTIONAL,
                formatting.normalise_address(payload.get("guardian_email")),
                f"welcome:{payload['student_id']}",
                context,
            ),
        )
    )


def _invoice_issued(event: Event, preferences: SchoolPreferences, locale: FamilyLocale) -> Plan:
    payload = event.payload
    recipient = formatting.normalise_address(payload.get("guardian_email"))
    invoice = invoice_context(payload, locale)
    context = {
        **_base(event, preferences, locale),
        "invoice": invoice if payload.get("send_invoice") else None,
        "autopay_url": autopay_link(payload) if payload.get("send_autopay_link") else None,
    }
    notice = Notice(
        "approved",
        Purpose.TRANSACTIONAL,
        recipient,
        f"invoice-issued:{payload['invoice_id']}",
        context,
    )
    reminders = ()
    family_told = context["invoice"] is not None or context["autopay_url"] is not None
    if preferences.reminders_enabled and recipient is not None and family_told:
        reminders = (
            ReminderRequest(
                ReminderKind.INVOICE_UNPAID,
                recipient,
                reminder_due_at(event.occurred_at, preferences.invoice_reminder_after),
                {
                    **_base(event, preferences, locale),
                    "invoice": invoice,
                    "autopay_url": context["autopay_url"],
                },
                invoice_id=payload["invoice_id"],
            ),
        )
    return Plan(notices=(notice,), reminders=reminders)


def _invoice_paid(event: Event, preferences: SchoolPreferences, locale: FamilyLocale) -> Plan:
    payload = event.payload
    paid_at = moment_or(payload.get("paid_at"), event.occurred_at)
    context = {
        **_base(event, preferences, locale),
        "invoice": invoice_context(payload, locale),
        "paid_on": locale.day(paid_at.date()),
        "payment_method": formatting.text_or_none(payload.get("last_payment_method")),
    }
    return Plan(
        notices=(
            Notice(
                "receipt",
                Purpose.TRANSACTIONAL,
                formatting.normalise_address(payload.get("guardian_email")),
                f"invoice-paid:{payload['invoice_id']}",
                context,
            ),
        ),
        stops=(stop_for_payment(payload["invoice_id"]),),
    )


def _autopay_enrolled(event: Event, _preferences: SchoolPreferences, locale: FamilyLocale) -> Plan:
    # The invoice will be collected automatically: reminding the family to pay it would
    # only confuse.
    return Plan(stops=(stop_for_payment(event.payload["invoice_id"]),))


def _family_link_requested(
    event: Event, preferences: SchoolPreferences, locale: FamilyLocale
) -> Plan:
    status_label = locale.gettext(formatting.status_label(str(event.payload["status"])))
    context = {**_base(event, preferences, locale), "status_label": status_label}
    recipient = formatting.normalise_address(event.payload.get("guardian_email"))
    notice = Notice(
        "family_link", Purpose.TRANSACTIONAL, recipient, f"event:{event.event_id}", context
    )
    return Plan(notices=(notice,))


def _info_provided(event: Event, preferences: SchoolPreferences, _locale: FamilyLocale) -> Plan:
    # The family answered: its reminder stops (whether or not the status event came first),
    # and the family is not written to about its own answer. The school's staff address hears
    # of it only when the school named one: the board and the rail show answers anyway.
    stops = (ReminderStop(frozenset({ReminderKind.NEEDS_INFO})),)
    payload = event.payload
    registration_id = payload.get("registration_id")
    if preferences.answer_alert_email is None or not isinstance(registration_id, int):
        return Plan(stops=stops)
    context = {
        "registration_id": registration_id,
        "answered": bool(payload.get("answered")),
        "document_count": len(payload.get("document_ids") or ()),
        "workspace_url": workspace_placeholder(registration_id),
        # Staff mail is in English (the catalogs' source), whatever the family's language.
        "language": SOURCE_LANGUAGE,
    }
    alert = Notice(
        "family_answered",
        Purpose.TRANSACTIONAL,
        preferences.answer_alert_email,
        f"info-provided:{event.event_id}",
        context,
    )
    return Plan(notices=(alert,), stops=stops)


_PLANNERS: dict[str, Callable[[Event, SchoolPreferences, FamilyLocale], Plan]] = {
    EventType.SUBMITTED: _submitted,
    EventType.STATUS_UPDATED: _status_updated,
    EventType.WELCOME_REQUESTED: _welcome_requested,
    EventType.INVOICE_ISSUED: _invoice_issued,
    EventType.INVOICE_PAID: _invoice_paid,
    EventType.AUTOPAY_ENROLLED: _autopay_enrolled,
    EventType.FAMILY_LINK_REQUESTED: _family_link_requested,
    EventType.INFO_PROVIDED: _info_provided,
}


# -- pieces ---------------------------------------------------------------------------------


def _base(event: Event, preferences: SchoolPreferences, locale: FamilyLocale) -> dict:
    """What every e-mail to a family knows, its family link included (a placeholder the
    sender signs for the recipient; it works for the school's lifetime from the event)."""
    registration_id = event.payload.get("registration_id")
    family_url = None
    if isinstance(registration_id, int) and not isinstance(registration_id, bool):
        expires_at = link_expiry(event.occurred_at, preferences.family_link_lifetime)
        family_url = family_placeholder(registration_id, expires_at)
    return {
        "registration_id": registration_id,
        "family_url": family_url,
        "language": locale.language,
        **formatting.family_context(event.payload),
    }


def _status_notice(
    event: Event,
    preferences: SchoolPreferences,
    recipient: str | None,
    status: str,
    locale: FamilyLocale,
) -> Notice:
    context = {
        **_base(event, preferences, locale),
        "status": status,
        "status_label": locale.gettext(formatting.status_label(status)),
        "note": formatting.text_or_none(event.payload.get("note")),
    }
    return Notice(
        "status_update", Purpose.TRANSACTIONAL, recipient, f"event:{event.event_id}", context
    )
