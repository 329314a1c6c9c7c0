"""The dashboard's own Prometheus metrics (beside the request metrics every service records)."""

from __future__ import annotations

from prometheus_client import Counter

from dashboard.adapters.answer_cache import Fetched

# What each dashboard request got from the other services: "fresh", "stale" (an older answer
# shown, marked) or "missing" (nothing to show). A rising stale or missing rate means the KPI
# service or the notifier is slow or down.
REMOTE_ANSWERS = Counter(
    "edquill_dashboard_remote_answers_total",
    "Answers of other services used by dashboard requests, by state",
    ["source", "state"],
)


def count_answers(fetched: dict[str, Fetched]) -> None:
    for source, answer in fetched.items():
        state = "fresh" if not answer.stale else "stale" if answer.value is not None else "missing"
        REMOTE_ANSWERS.labels(source, state).inc()
