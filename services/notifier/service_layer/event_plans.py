"""What the notifier does with a registrar event, in the consumer's transaction: keep its
directory of schools, and follow the event's plan (notifier.domain.notices): the form's
consent, reminders stopped and scheduled, notices written to the message log as queued."""

from __future__ import annotations

from datetime import datetime, timedelta

from notifier.adapters import reminder_store
from notifier.adapters.catalogs import family_locale
from notifier.adapters.message_log_store import cancel_unsent_reminders
from notifier.adapters.school_store import SchoolsOfTransaction
from notifier.domain.notices import plan_for
from notifier.domain.staff_notices import STAFF_PLANNERS
from notifier.domain.waitlist_notices import WAITLIST_PLANNERS
from notifier.service_layer.composer import Composer, Draft
from notifier.service_layer.resubscribing import record_form_consent
from shared.events import Event, school_event_from_snapshot
from shared.locales import choose_language

# The event types planned outside notifier.domain.notices' own table.
_PLANNERS = {**WAITLIST_PLANNERS, **STAFF_PLANNERS}


def keep_school_from_snapshot(schools: SchoolsOfTransaction, event: Event, now: datetime) -> None:
    """A registration or invoice event carries its school's snapshot (a school event none)."""
    school_event = school_event_from_snapshot(event)
    if school_event is not None:
        schools.apply_school_event(school_event, now)


def record_school(schools: SchoolsOfTransaction, event: Event, now: datetime) -> None:
    schools.apply_school_event(event, now)


def follow_plan(
    schools: SchoolsOfTransaction,
    composer: Composer,
    event: Event,
    now: datetime,
    *,
    confirmation_valid_for: timedelta,
) -> None:
    cursor = schools.cursor
    school = schools.require(event.school_id)
    # The registration's language, which its events carry; the school's default otherwise.
    language = choose_language(
        chosen=event.payload.get("language"), school_default=school.default_language
    )
    planner = _PLANNERS.get(event.event_type, plan_for)
    plan = planner(event, school.preferences, family_locale(language))
    registration_id = event.payload.get("registration_id")
    for change in plan.consent:  # a form's answers
        record_form_consent(cursor, composer, school, change, event, now, confirmation_valid_for)
    for stop in plan.stops:
        stopped = reminder_store.stop_reminders(
            cursor, school.id, registration_id, stop, event.event_id, now
        )
        cancel_unsent_reminders(
            cursor, stopped, f"stopped by {event.event_type} ({event.event_id})", now
        )
    for request in plan.reminders:
        reminder_store.schedule_reminder(
            cursor, school.id, registration_id, request, event.event_id, now
        )
    for notice in plan.notices:
        composer.compose(
            cursor,
            school,
            Draft(
                notice.template,
                notice.purpose,
                notice.recipient,
                notice.context,
                registration_id=registration_id,
                dedupe_key=notice.dedupe_key,
                event_id=event.event_id,
                event_type=event.event_type,
            ),
            now,
        )
