"""The relay's knobs: EDQUILL_RELAY_* over the defaults, the worker's flags over those."""

from __future__ import annotations

from datetime import timedelta

import pytest

from outbox_relay.config import RelayOptions
from shared.config_error import ConfigError


def test_without_variables_the_relay_has_its_defaults():
    assert RelayOptions.from_env({}) == RelayOptions()


def test_each_knob_comes_from_its_variable():
    options = RelayOptions.from_env(
        {
            "EDQUILL_RELAY_BATCH_SIZE": "200",
            "EDQUILL_RELAY_SLEEP_MS": "250",
            "EDQUILL_RELAY_LEASE_SECONDS": "30",
            "EDQUILL_RELAY_MAX_ATTEMPTS": "4",
            "EDQUILL_RELAY_CONFIRM_TIMEOUT_SECONDS": "5",
        }
    )

    assert (
        options.batch_size,
        options.max_idle_sleep,
        options.lease,
        options.max_attempts,
        options.confirm_timeout,
    ) == (200, 0.25, timedelta(seconds=30), 4, 5.0)


def test_a_flag_given_overrides_its_variable_and_one_not_given_leaves_it():
    from_env = RelayOptions.from_env(
        {"EDQUILL_RELAY_BATCH_SIZE": "200", "EDQUILL_RELAY_MAX_ATTEMPTS": "4"}
    )

    options = from_env.overridden(batch_size=50, max_attempts=None)

    assert (options.batch_size, options.max_attempts) == (50, 4)


@pytest.mark.parametrize(
    "variable, value, problem",
    [
        ("EDQUILL_RELAY_BATCH_SIZE", "0", "between 1 and 5000"),
        ("EDQUILL_RELAY_SLEEP_MS", "120000", "between 1 and 60000"),
        ("EDQUILL_RELAY_MAX_ATTEMPTS", "many", "must be a number"),
    ],
)
def test_a_bad_variable_is_refused_by_name(variable, value, problem):
    with pytest.raises(ConfigError, match=f"{variable} .*{problem}"):
        RelayOptions.from_env({variable: value})
