"""How a consumer's deliveries ended, and the Prometheus metrics that count them: the same
names and labels for every consumer (docs/consumer.md lists them)."""

from __future__ import annotations

from enum import Enum

from prometheus_client import Counter, Histogram

from shared.events import CATALOGUE

EVENTS = Counter(
    "edquill_consumer_events_total",
    "Deliveries settled, by how they ended",
    ["consumer", "event_type", "outcome"],
)
HANDLING_SECONDS = Histogram(
    "edquill_consumer_handling_seconds",
    "From taking a delivery to settling it",
    ["consumer", "event_type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RECONNECTS = Counter(
    "edquill_consumer_reconnects_total",
    "Connections lost (or refused) and opened again",
    ["consumer", "server"],
)


class Outcome(str, Enum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    DEAD_LETTERED = "dead_lettered"
    RETRIED = "retried"


def event_type_label(routing_key: str) -> str:
    """A metrics label for a delivery that is not a valid event: bounded to the catalogue."""
    return routing_key if routing_key in CATALOGUE else "unknown"
