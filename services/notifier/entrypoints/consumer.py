"""The notifier's consumer: selfreg.*, invoice.*, staff.* and school.* events into the message log,
reminders and consent, in the base consumer's transaction (so exactly once per event id).
This module is the event type -> handler table; what each handler does is
notifier.service_layer.event_plans.

Nothing is sent from here: a message is written to t_message_log as queued, and the sender
(notifier.entrypoints.sender) takes it from there once this transaction has committed.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from notifier.adapters.clock import Clock, system_clock
from notifier.adapters.school_store import SchoolsOfTransaction
from notifier.config import NotifierConfig
from notifier.service_layer import event_plans
from notifier.service_layer.composer import Composer
from shared.config import Settings
from shared.consumer import Consumer
from shared.events import Event, EventType


class NotifierConsumer(Consumer):
    NAME = "notifier"
    BINDINGS = ("selfreg.#", "invoice.#", "staff.#", "school.#")
    SERVICE_DB = "notifier"
    # Up to 50 events per transaction (one commit, one ack, one inbox insert for them all):
    # one event per transaction spent more on round trips than on the messages, and a burst
    # (an invoice run) went out at a third of the speed. The batch is handled in the order
    # delivered, so a registration's events keep their order; only when one event fails is
    # the batch handled again one by one, and its later events may then go ahead of its
    # retry. 50 keeps such a replay short. One worker at a time takes from the queue (the
    # base's SINGLE_ACTIVE_CONSUMER); a second worker's consumer stands by, its sender sends.
    BATCH_SIZE = 50

    def __init__(
        self,
        settings: Settings,
        config: NotifierConfig,
        composer: Composer,
        clock: Clock = system_clock,
        mail_queued: threading.Event | None = None,
    ):
        super().__init__(settings)
        self.config = config
        self.composer = composer
        self.clock = clock
        # Set after each commit: the worker's sender, idle between looks at the send queue,
        # takes what this consumer queued at once (bootstrap shares it with the sender).
        self.mail_queued = mail_queued or threading.Event()
        self._defaults = config.default_preferences()
        self._confirmation_valid_for = timedelta(hours=config.consent_confirmation_valid_hours)

    def handle(self, event: Event, cursor) -> None:
        self.handle_batch([event], cursor)

    def committed(self) -> None:
        self.mail_queued.set()

    def handle_batch(self, events: list[Event], cursor) -> None:
        """The batch's events one after another, in the order delivered, with each school
        read once for the batch (school_store.SchoolsOfTransaction)."""
        schools = SchoolsOfTransaction(cursor, self._defaults)
        for event in events:
            now = self.clock()
            event_plans.keep_school_from_snapshot(schools, event, now)
            handler = self.HANDLERS.get(event.event_type)
            if handler is not None:
                handler(self, event, schools, now)

    def _record_school(self, event: Event, schools: SchoolsOfTransaction, now: datetime) -> None:
        event_plans.record_school(schools, event, now)

    def _follow_plan(self, event: Event, schools: SchoolsOfTransaction, now: datetime) -> None:
        event_plans.follow_plan(
            schools,
            self.composer,
            event,
            now,
            confirmation_valid_for=self._confirmation_valid_for,
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
                EventType.FAMILY_LINK_REQUESTED,
                EventType.INFO_PROVIDED,
                EventType.INVOICE_ISSUED,
                EventType.INVOICE_PAID,
                EventType.AUTOPAY_ENROLLED,
                EventType.WAITLISTED,
                EventType.SEAT_OFFERED,
                EventType.SEAT_ACCEPTED,
                EventType.SEAT_DECLINED,
                EventType.SEAT_EXPIRED,
                EventType.STAFF_INVITED,
            ),
            _follow_plan,
        ),
    }
