"""The KPI worker's own Prometheus metrics (served by `edquill kpi worker --metrics-port`),
beside the base consumer's edquill_consumer_* metrics."""

from prometheus_client import Histogram

EVENT_LAG = Histogram(
    "edquill_kpi_event_lag_seconds",
    "From an event's commit at its source to its fold",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
)
BATCH_EVENTS = Histogram(
    "edquill_kpi_fold_batch_events",
    "Events folded in one transaction",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500),
)
