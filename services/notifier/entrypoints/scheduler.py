"""The scheduler: fires reminders that fell due and releases mail held through quiet hours.

A due reminder is written to the message log like any message, with two more checks: the
recipient must have consented to reminders (else it is logged as suppressed), and inside the
school's quiet hours it is logged as held until the window opens. When it opens, a family's
held reminders are released together: one stays as it was, several collapse into one digest.
Both tables are claimed with claim tokens, so several workers can run this side by side.
"""

from __future__ import annotations

from notifier.adapters.clock import Clock, system_clock
from notifier.config import NotifierConfig
from notifier.entrypoints.loops import DatabaseLoop
from notifier.service_layer.composer import Composer
from notifier.service_layer.held_release import HeldRelease
from notifier.service_layer.reminder_firing import ReminderFiring
from shared.config import Settings


class Scheduler(DatabaseLoop):
    """The worker's scheduling loop: a batch of each a round (notifier.service_layer's
    reminder_firing and held_release)."""

    name = "scheduler"

    def __init__(
        self,
        settings: Settings,
        config: NotifierConfig,
        composer: Composer,
        clock: Clock = system_clock,
    ):
        super().__init__(settings)
        self.config = config
        self.reminders = ReminderFiring(config, composer, clock)
        self.held = HeldRelease(config, composer, clock)

    def round(self) -> float:
        busy = self.reminders.fire_due(self.connection) + self.held.release_due(self.connection)
        return (
            0.0 if busy >= self.config.scheduler_batch_size else self.config.scheduler_idle_seconds
        )
