"""The notifier's consumer: selfreg.*, invoice.* and school.* events into the message log,
reminders and consent, in the base consumer's transaction (so exactly once per event id).

Nothing is sent from here: a message is written to t_message_log as queued, and the sender
(notifier.sender) takes it from there once this transaction has committed.
"""
from __future__ import annotations

from datetime import timedelta

from notifier import reminder_store, school_directory
from notifier.clock import Clock, system_clock
from notifier.composer import Composer, Draft
from notifier.config import NotifierConfig
from notifier.domain.notices import plan_for
from notifier.message_log import cancel_unsent_reminders
from notifier.resubscribing import record_form_consent
from shared.config import Settings
from shared.consumer import Consumer
from shared.events import Event, school_event_from_snapshot


class NotifierConsumer(Consumer):
    NAME = "notifier"
    BINDINGS = ("selfreg.#", "invoice.#", "school.#")
    SERVICE_DB = "notifier"

    def __init__(self, settings: Settings, config: NotifierConfig, composer: Composer,
                 clock: Clock = system_clock):
        super().__init__(settings)
        self.config = config
        self.composer = composer
        self.clock = clock
        self._defaults = config.default_preferences()
        self._confirmation_valid_for = timedelta(hours=config.consent_confirmation_valid_hours)

    def handle(self, event: Event, cursor) -> None:
        now = self.clock()
        if event.event_type.startswith("school."):
            school_directory.apply_school_event(cursor, event, now)
            return
        school_event = school_event_from_snapshot(event)
        if school_event is not None:
            school_directory.apply_school_event(cursor, school_event, now)
        school = school_directory.require_school(cursor, event.school_id, self._defaults)
        plan = plan_for(event, school.preferences)
        registration_id = event.payload.get("registration_id")
        for change in plan.consent:  # a form's answers
            record_form_consent(cursor, self.composer, school, change, event, now,
                                self._confirmation_valid_for)
        for stop in plan.stops:
            stopped = reminder_store.stop_reminders(cursor, school.id, registration_id, stop,
                                                    event.event_id, now)
            cancel_unsent_reminders(cursor, stopped, f"stopped by {event.event_type} "
                                    f"({event.event_id})", now)
        for request in plan.reminders:
            reminder_store.schedule_reminder(cursor, school.id, registration_id, request,
                                             event.event_id, now)
        for notice in plan.notices:
            self.composer.compose(cursor, school, Draft(
                notice.template, notice.purpose, notice.recipient, notice.context,
                registration_id=registration_id, dedupe_key=notice.dedupe_key,
                event_id=event.event_id, event_type=event.event_type), now)
