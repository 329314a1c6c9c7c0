"""The acceptance check's bounds: defaults from the alerts and benchmarks, overridable one by
one from the environment, refused when they make no sense."""

from __future__ import annotations

import pytest

from acceptance.bounds import Bounds
from acceptance.outcome import Outcome, p95_ms
from shared.config_error import ConfigError


def test_the_outbox_bounds_are_the_alerts_thresholds():
    bounds = Bounds.from_env({})

    assert (bounds.outbox_backlog_max, bounds.outbox_oldest_age_max_s) == (1000, 120.0)


def test_a_bound_is_overridden_by_its_variable():
    bounds = Bounds.from_env({"EDQUILL_ACCEPTANCE_LEAD_QUEUE_P95_MAX_MS": "40"})

    assert bounds.lead_queue_p95_max_ms == 40.0


@pytest.mark.parametrize("value", ["0", "-1", "fast"])
def test_a_bound_that_makes_no_sense_is_refused_naming_its_variable(value):
    with pytest.raises(ConfigError, match="EDQUILL_ACCEPTANCE_DASHBOARD_P95_MAX_MS"):
        Bounds.from_env({"EDQUILL_ACCEPTANCE_DASHBOARD_P95_MAX_MS": value})


def test_the_p95_of_fifty_samples_is_near_the_top():
    samples = [n / 1000 for n in range(1, 51)]  # 1 ms to 50 ms

    assert 47.0 <= p95_ms(samples) <= 48.0


def test_an_outcome_line_leads_with_its_verdict_and_ends_with_its_bound():
    line = Outcome("lead queue API p95", "38.3 ms", "<= 100 ms", passed=False).line()

    assert line.startswith("FAIL  lead queue API p95")
    assert line.endswith("(bound: <= 100 ms)")
