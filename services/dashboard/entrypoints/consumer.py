"""The dashboard worker's consumer: selfreg.*, invoice.* and school.* events kept in the
dashboard's own tables for the action rail and the status tiles."""

from __future__ import annotations

from typing import ClassVar

from dashboard.config import DashboardConfig
from dashboard.service_layer.fold import fold_event
from dashboard.service_layer.fold_batch import fold_batch
from shared.config import Settings
from shared.consumer import Consumer
from shared.events import Event


class DashboardConsumer(Consumer):
    NAME: ClassVar[str] = "dashboard"
    BINDINGS: ClassVar[tuple[str, ...]] = ("selfreg.#", "invoice.#", "school.#")
    SERVICE_DB: ClassVar[str] = "dashboard"
    # Every write is order-safe (the newest event wins, by occurred_at) and the status counts
    # move by exact +1/-1 pairs, so the order of events within a batch does not matter: a
    # batch per transaction (folded with a few statements for all of it, fold_batch) saves
    # commits, acks and round trips when a backlog drains, and 50 keeps a batch that fails
    # (and is then handled one event at a time) cheap.
    BATCH_SIZE: ClassVar[int] = 50
    # For the same reason workers may share the queue, each taking its share: a second one
    # adds throughput instead of standing by.
    SINGLE_ACTIVE_CONSUMER: ClassVar[bool] = False

    def __init__(self, settings: Settings, config: DashboardConfig):
        super().__init__(settings)
        self.config = config

    def handle(self, event: Event, cursor) -> None:
        fold_event(cursor, event, self.config.invoice_due_days)

    def handle_batch(self, events: list[Event], cursor) -> None:
        fold_batch(cursor, events, self.config.invoice_due_days)
