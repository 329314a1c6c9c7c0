"""The KPI worker's consumer: selfreg.*, invoice.* and school.* events folded into the
figures, a batch per transaction."""

from __future__ import annotations

from datetime import datetime, timezone

from kpi.adapters.worker_metrics import BATCH_EVENTS, EVENT_LAG
from kpi.service_layer.fold import fold_batch
from shared.consumer import Consumer
from shared.events import Event


class KpiConsumer(Consumer):
    NAME = "kpi"
    BINDINGS = ("selfreg.#", "invoice.#", "school.#")
    SERVICE_DB = "kpi"
    # KPI folding is commutative per day: every figure is a sum of one term per event (or per
    # issued/paid pair of one invoice, whichever comes first), and a median is recomputed from
    # the ledger. So the order of events within or across batches does not change the figures,
    # and a batch of 200 per transaction (one commit, one ack) is safe: large enough to fold
    # thousands of events a second, small enough that a batch that fails and is handled again
    # one by one costs little.
    BATCH_SIZE = 200
    # For the same reason workers may share the queue, each taking its share: a second one
    # adds throughput instead of standing by.
    SINGLE_ACTIVE_CONSUMER = False

    def handle(self, event: Event, cursor) -> None:
        self.handle_batch([event], cursor)

    def handle_batch(self, events: list[Event], cursor) -> None:
        lags = fold_batch(cursor, self.NAME, events, datetime.now(timezone.utc))
        BATCH_EVENTS.observe(len(events))
        for lag in lags:
            EVENT_LAG.observe(lag)
