"""The relay's Prometheus metrics (served by `edquill outbox worker --metrics-port`)."""

from prometheus_client import Counter, Gauge, Histogram

PUBLISHED = Counter(
    "edquill_outbox_published_total", "Events published and confirmed", ["event_type"]
)
FAILED = Counter("edquill_outbox_failed_total", "Publish attempts that failed", ["reason"])
DEAD = Counter("edquill_outbox_dead_total", "Events parked as dead")
BATCH_SIZE = Histogram(
    "edquill_outbox_batch_size",
    "Events per published batch",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000),
)
BACKLOG = Gauge("edquill_outbox_backlog", "Unprocessed, undead events in the outbox")
# Current counts, for alerts that hold as long as the condition does (not only when it begins).
DEAD_NOW = Gauge("edquill_outbox_dead_events", "Events parked dead, waiting for a replay or skip")
HELD_NOW = Gauge(
    "edquill_outbox_held_events", "Events held back behind an earlier dead event of their aggregate"
)
STUCK_NOW = Gauge(
    "edquill_outbox_stuck_claims",
    "Claims older than the relays' lease: left by a relay that died mid-batch",
)
OLDEST_AGE = Gauge("edquill_outbox_oldest_age_seconds", "Age of the oldest unprocessed event")
OWNED_PARTITIONS = Gauge("edquill_outbox_owned_partitions", "Outbox partitions this relay owns")
LATENCY = Histogram(
    "edquill_outbox_latency_seconds",
    "From the event's commit to the broker's confirm",
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
