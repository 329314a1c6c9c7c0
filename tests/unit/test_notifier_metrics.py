"""The notifier's counters exist from 0 as the worker starts, so Prometheus's increase()
sees the first failed send or refused connection (a series first seen at 1 reads 0)."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

import notifier.metrics  # noqa: F401  (defines the counters)


@pytest.mark.parametrize("outcome", ["sent", "retried", "failed"])
def test_every_delivery_outcome_is_exported_before_any_send(outcome):
    sample = REGISTRY.get_sample_value("edquill_notifier_deliveries_total", {"outcome": outcome})
    assert sample is not None


@pytest.mark.parametrize("reason", ["no_starttls", "certificate", "tls", "auth"])
def test_every_refusal_reason_is_exported_before_any_refusal(reason):
    sample = REGISTRY.get_sample_value("edquill_notifier_smtp_refusals_total", {"reason": reason})
    assert sample is not None
