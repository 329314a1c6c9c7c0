"""The notifier's consumer: selfreg.*, invoice.* and school.* events into the message log,
reminders and consent, in the base consumer's transaction (so exactly once per event id).

Nothing is sent from here: a message is written to t_message_log as queued, and the sender
(notifier.entrypoints.sender) takes it from there once this transaction has committed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from notifier.adapters import reminder_store, school_store
from notifier.adapters.clock import Clock, system_clock
from notifier.adapters.message_log_store import cancel_unsent_reminders
from notifier.config import NotifierConfig
from notifier.domain.notices import plan_for
from notifier.service_layer.composer import Composer, Draft
from notifier.service_layer.resubscribing import record_form_consent
from shared.config import Settings
from shared.consumer import Consumer
from shared.events import Event, EventType, school_event_from_snapshot


class NotifierConsumer(Consumer):
    NAME = "notifier"
    BINDINGS = ("selfreg.#", "invoice.#", "school.#")
    SERVICE_DB = "notifier"

    def __init__(
        self,
        settings: Settings,
        config: NotifierConfig,
        composer: Composer,
        clock: Clock = system_clock,
    ):
        super().__init__(settings)
        self.config = config
        self.composer = composer
        self.clock = clock
        self._defaults = config.default_preferences()
        self._confirmation_valid_for = timedelta(hours=config.consent_confirmation_valid_hours)

    def handle(self, event: Event, cursor) -> None:
        now = self.clock()
        # A registration or invoice event carries its school's snapshot (a school event none).
        school_event = school_event_from_snapshot(event)
        if school_event is not None:
            school_store.apply_school_event(cursor, school_event, now)
        handler = self.HANDLERS.get(event.event_type)
        if handler is not None:
            handler(self, event, cursor, now)

    def _record_school(self, event: Event, cursor, now: datetime) -> None:
        school_store.apply_school_event(cursor, event, now)

    def _follow_plan(self, event: Event, cursor, now: datetime) -> None:
        school = school_store.require_school(cursor, event.school_id, self._defaults)
        plan = plan_for(event, school.preferences)
        registration_id = event.payload.get("registration_id")
        for change in plan.consent:  # a form's answers
            record_form_consent(
                cursor, self.composer, school, change, event, now, self._confirmation_valid_for
            )
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
            self.composer.compose(
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

    # Event type -> handler. A school event keeps the directory; every registration and
    # invoice event is planned (notifier.domain.notices: a type without a planner plans
    # nothing, but its school must still be known). A type outside the catalogue never gets
    # here: the base consumer dead-letters it as malformed.
    HANDLERS = {
        EventType.SCHOOL_CREATED: _record_school,
        EventType.SCHOOL_UPDATED: _record_school,
        **dict.fromkeys(
            (
                EventType.SUBMITTED,
                EventType.STATUS_UPDATED,
                EventType.CONVERTED,
                EventType.CLASS_ASSIGNED,
                EventType.WELCOME_REQUESTED,
                EventType.INVOICE_ISSUED,
                EventType.INVOICE_PAID,
                EventType.AUTOPAY_ENROLLED,
            ),
            _follow_plan,
        ),
    }
