"""Reminders that fell due, written to the message log like any message, with two more
checks: the recipient must have consented to reminders (else it is logged as suppressed), and
inside the school's quiet hours it is logged as held until the window opens. t_reminder is
claimed with claim tokens, so several workers can fire side by side."""

from __future__ import annotations

import uuid

from notifier.adapters import reminder_store, school_store
from notifier.adapters.clock import Clock, system_clock
from notifier.config import NotifierConfig
from notifier.domain.consent import Purpose
from notifier.domain.quiet_hours import quiet_until
from notifier.domain.reminders import ReminderKind
from notifier.metrics import REMINDERS
from notifier.service_layer.composer import Composer, Draft
from shared import db


class ReminderFiring:
    """Claims a batch of due reminders and writes each, in its own transaction."""

    def __init__(self, config: NotifierConfig, composer: Composer, clock: Clock = system_clock):
        self.config = config
        self.composer = composer
        self._clock = clock
        self._defaults = config.default_preferences()

    def fire_due(self, connection) -> int:
        token = uuid.uuid4().hex
        ids = reminder_store.claim_due(
            connection,
            token,
            self._clock(),
            self.config.scheduler_batch_size,
            self.config.claim_seconds,
        )
        for reminder_id in ids:
            with db.transaction(connection) as cursor:
                self._fire(cursor, reminder_id, token)
        return len(ids)

    def _fire(self, cursor, reminder_id: int, token: str) -> None:
        reminder = reminder_store.lock_claimed(cursor, reminder_id, token)
        if reminder is None:
            REMINDERS.labels("stopped").inc()
            return  # stopped by the family's action after it was claimed
        now = self._clock()
        school = school_store.require_school(cursor, reminder["school_id"], self._defaults)
        hold_until = quiet_until(now, school.preferences.quiet_hours, school.zone)
        kind = ReminderKind(reminder["kind"])
        logged = self.composer.compose(
            cursor,
            school,
            Draft(
                kind.template,
                Purpose.REMINDERS,
                reminder["recipient"],
                reminder["context"],
                registration_id=reminder["registration_id"],
                reminder_id=reminder["id"],
                dedupe_key=f"reminder:{reminder['id']}",
            ),
            now,
            hold_until=hold_until,
        )
        reminder_store.mark_fired(cursor, reminder["id"], logged.id, now)
        REMINDERS.labels(logged.status).inc()
