"""The retention knobs (EDQUILL_RETENTION_*), their order, and the cutoff a purge deletes
before: no database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from shared.config_error import ConfigError
from shared.retention import Purged, RetentionKnobs, cutoff

NOW = datetime(2026, 12, 1, 3, 15, tzinfo=timezone.utc)


def test_without_variables_the_defaults_hold():
    knobs = RetentionKnobs.from_env({})

    assert (knobs.outbox_days, knobs.inbox_days, knobs.message_log_days, knobs.batch_size) == (
        14,
        30,
        400,
        1000,
    )


def test_each_knob_comes_from_its_variable():
    knobs = RetentionKnobs.from_env(
        {
            "EDQUILL_RETENTION_OUTBOX_DAYS": "7",
            "EDQUILL_RETENTION_INBOX_DAYS": "21",
            "EDQUILL_RETENTION_MESSAGE_LOG_DAYS": "730",
            "EDQUILL_RETENTION_BATCH_SIZE": "250",
        }
    )

    assert knobs == RetentionKnobs(
        outbox_days=7, inbox_days=21, message_log_days=730, batch_size=250
    )


@pytest.mark.parametrize(
    "variable, value, problem",
    [
        ("EDQUILL_RETENTION_OUTBOX_DAYS", "0", "must be a positive whole number, got 0"),
        ("EDQUILL_RETENTION_BATCH_SIZE", "-1", "must be a positive whole number, got -1"),
        ("EDQUILL_RETENTION_INBOX_DAYS", "1.5", "must be a number, got '1.5'"),
        ("EDQUILL_RETENTION_MESSAGE_LOG_DAYS", "forever", "must be a number"),
        ("EDQUILL_RETENTION_BATCH_SIZE", "10001", "must be at most 10000"),
    ],
)
def test_a_bad_value_is_refused_naming_its_variable(variable, value, problem):
    with pytest.raises(ConfigError, match=f"^{variable} .*{problem}"):
        RetentionKnobs.from_env({variable: value})


def test_the_inbox_may_not_forget_an_event_the_outbox_still_holds():
    with pytest.raises(ConfigError, match="INBOX_DAYS \\(10\\) must be at least .*OUTBOX_DAYS"):
        RetentionKnobs.from_env({"EDQUILL_RETENTION_INBOX_DAYS": "10"})


def test_the_message_log_may_not_forget_before_the_inbox_does():
    with pytest.raises(ConfigError, match="MESSAGE_LOG_DAYS \\(20\\) must be at least"):
        RetentionKnobs.from_env({"EDQUILL_RETENTION_MESSAGE_LOG_DAYS": "20"})


def test_equal_ages_are_allowed():
    knobs = RetentionKnobs.from_env(
        {f"EDQUILL_RETENTION_{name}_DAYS": "14" for name in ("OUTBOX", "INBOX", "MESSAGE_LOG")}
    )

    assert knobs.message_log_days == 14


def test_the_cutoff_is_that_many_days_before_now_in_naive_utc():
    assert cutoff(NOW, 14) == datetime(2026, 11, 17, 3, 15)


def test_the_cutoff_of_a_local_time_is_counted_in_utc():
    local = NOW.astimezone(timezone(timedelta(hours=-5)))

    assert cutoff(local, 1) == datetime(2026, 11, 30, 3, 15)


def test_a_naive_now_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="aware"):
        cutoff(NOW.replace(tzinfo=None), 1)


def test_a_purge_describes_itself_for_a_run_and_a_dry_run():
    purged = Purged("edquill_notifier", "t_message_log", 400, 12)

    assert purged.describe(dry_run=False) == (
        "edquill_notifier.t_message_log: purged 12 rows older than 400 days"
    )
    assert purged.describe(dry_run=True).startswith("edquill_notifier.t_message_log: would purge")
