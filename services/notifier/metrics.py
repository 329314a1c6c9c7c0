"""The notifier's Prometheus metrics (the consumer's own come from shared.consumer)."""

from prometheus_client import Counter, Histogram

DELIVERIES = Counter(
    "edquill_notifier_deliveries_total", "Messages handed to SMTP, by how it ended", ["outcome"]
)
# Every outcome exported from 0 as the worker starts: increase() over a series that first
# appears already at 1 reads 0, so the first failed send after a start would raise no alert.
for _outcome in ("sent", "retried", "failed"):
    DELIVERIES.labels(_outcome)
SMTP_SECONDS = Histogram(
    "edquill_notifier_smtp_seconds",
    "One message's SMTP transaction",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REMINDERS = Counter(
    "edquill_notifier_reminders_total",
    "Reminders that fell due, by what became of them",
    ["outcome"],
)
RELEASES = Counter(
    "edquill_notifier_held_released_total", "Held messages released after quiet hours", ["outcome"]
)
SMTP_REFUSALS = Counter(
    "edquill_notifier_smtp_refusals_total",
    "Connections to the SMTP server given up as unsafe or refused, by why "
    "(no_starttls, certificate, tls, auth); the mail stays queued",
    ["reason"],
)
# From 0 at start, for increase() (see DELIVERIES): each reason smtp_sender gives.
for _reason in ("no_starttls", "certificate", "tls", "auth"):
    SMTP_REFUSALS.labels(_reason)
