"""`edquill retention purge` run as an operator (or cron) runs it, against the real MariaDB:
what each table loses, what it keeps, the counts printed, the dry run and bad knobs."""

from __future__ import annotations

import pytest

from tests.support.outbox import count_rows as count_outbox_rows
from tests.support.outbox import insert_outbox_rows, outbox_row
from tests.support.processes import run_edquill
from tests.support.retention import (
    INBOX_DATABASES,
    count_rows,
    days_ago,
    inbox_event_ids,
    insert_inbox_row,
    insert_message,
)


def purge(settings, *args: str, **knobs: str) -> str:
    """Run the purge with EDQUILL_RETENTION_<NAME> knobs; insist on exit 0, return stdout."""
    env = {f"EDQUILL_RETENTION_{name.upper()}": value for name, value in knobs.items()}
    result = run_edquill(settings, "retention", "purge", *args, extra_env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def old_and_new_rows(settings, empty_tables):
    """In every table, 2 rows past the default retention and 1 within it."""
    insert_outbox_rows(
        empty_tables["registrar"],
        [
            outbox_row(1, processed_at=days_ago(20)),
            outbox_row(2, processed_at=days_ago(15)),
            outbox_row(3, processed_at=days_ago(13)),
        ],
    )
    for service in INBOX_DATABASES:
        for age in (45, 31, 29):
            insert_inbox_row(empty_tables[service], days_ago(age))
    for age in (500, 401, 399):
        insert_message(empty_tables["notifier"], "sent", days_ago(age))
    return empty_tables


def test_purges_every_kind_past_its_default_retention_and_keeps_the_rest(
    settings, old_and_new_rows
):
    purge(settings)

    assert count_outbox_rows(old_and_new_rows["registrar"]) == 1
    for service in INBOX_DATABASES:
        assert count_rows(old_and_new_rows[service], "t_event_inbox") == 1, service
    assert count_rows(old_and_new_rows["notifier"], "t_message_log") == 1


def test_prints_the_count_of_each_table_and_the_total(settings, old_and_new_rows):
    output = purge(settings)

    prefix = settings.db_prefix
    assert f"{prefix}registrar.t_event_outbox: purged 2 rows older than 14 days" in output
    for service in INBOX_DATABASES:
        assert f"{prefix}{service}.t_event_inbox: purged 2 rows older than 30 days" in output
    assert f"{prefix}notifier.t_message_log: purged 2 rows older than 400 days" in output
    assert output.splitlines()[-1] == "purged 10 rows"


def test_the_knobs_set_each_retention(settings, old_and_new_rows):
    output = purge(settings, outbox_days="30", inbox_days="40", message_log_days="450")

    assert output.splitlines()[-1] == "purged 4 rows"
    assert count_outbox_rows(old_and_new_rows["registrar"]) == 3
    for service in INBOX_DATABASES:
        assert count_rows(old_and_new_rows[service], "t_event_inbox") == 2, service
    assert count_rows(old_and_new_rows["notifier"], "t_message_log") == 2


def test_a_dry_run_prints_what_would_go_and_deletes_nothing(settings, old_and_new_rows):
    output = purge(settings, "--dry-run")

    assert (
        f"{settings.db_prefix}notifier.t_message_log: would purge 2 rows older than 400 days"
        in output
    )
    assert output.splitlines()[-1] == "would purge 10 rows; nothing deleted"
    assert count_outbox_rows(old_and_new_rows["registrar"]) == 3
    for service in INBOX_DATABASES:
        assert count_rows(old_and_new_rows[service], "t_event_inbox") == 3, service
    assert count_rows(old_and_new_rows["notifier"], "t_message_log") == 3


def test_batches_of_two_delete_every_expired_row(settings, empty_tables):
    insert_outbox_rows(
        empty_tables["registrar"], [outbox_row(n, processed_at=days_ago(20)) for n in range(5)]
    )
    for _ in range(5):
        insert_inbox_row(empty_tables["kpi"], days_ago(40))
        insert_message(empty_tables["notifier"], "sent", days_ago(500))

    output = purge(settings, batch_size="2")

    assert f"{settings.db_prefix}registrar.t_event_outbox: purged 5 rows" in output
    assert f"{settings.db_prefix}kpi.t_event_inbox: purged 5 rows" in output
    assert f"{settings.db_prefix}notifier.t_message_log: purged 5 rows" in output
    assert count_outbox_rows(empty_tables["registrar"]) == 0
    assert inbox_event_ids(empty_tables["kpi"]) == set()
    assert count_rows(empty_tables["notifier"], "t_message_log") == 0


BAD_KNOBS = {
    "zero days": ("EDQUILL_RETENTION_OUTBOX_DAYS", "0", "must be a positive whole number, got 0"),
    "negative days": ("EDQUILL_RETENTION_INBOX_DAYS", "-5", "must be a positive whole number"),
    "not a number": ("EDQUILL_RETENTION_MESSAGE_LOG_DAYS", "a year", "must be a number"),
    "a fraction": ("EDQUILL_RETENTION_BATCH_SIZE", "2.5", "must be a number, got '2.5'"),
    "a huge batch": ("EDQUILL_RETENTION_BATCH_SIZE", "1000000", "must be at most 10000"),
    "an inbox shorter than the outbox": (
        "EDQUILL_RETENTION_INBOX_DAYS",
        "7",
        "must be at least EDQUILL_RETENTION_OUTBOX_DAYS (14)",
    ),
}


@pytest.mark.parametrize("variable, value, refusal", BAD_KNOBS.values(), ids=BAD_KNOBS.keys())
def test_a_bad_knob_refuses_with_one_line_and_deletes_nothing(
    settings, old_and_new_rows, variable, value, refusal
):
    result = run_edquill(settings, "retention", "purge", extra_env={variable: value})

    assert result.returncode != 0
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {variable}") and refusal in line, line
    assert count_outbox_rows(old_and_new_rows["registrar"]) == 3
    assert count_rows(old_and_new_rows["notifier"], "t_message_log") == 3


def test_the_outbox_purge_command_shares_the_batch_size_knob(settings, empty_tables):
    insert_outbox_rows(
        empty_tables["registrar"], [outbox_row(n, processed_at=days_ago(2)) for n in range(5)]
    )
    result = run_edquill(
        settings,
        "outbox",
        "purge",
        "--older-than-days",
        "1",
        extra_env={"EDQUILL_RETENTION_BATCH_SIZE": "2"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "purged 5 processed events"
    assert count_outbox_rows(empty_tables["registrar"]) == 0


@pytest.fixture
def dashboard_inbox_missing(empty_tables):
    """The dashboard's inbox moved out of the purge's way for the test, then put back."""
    connection = empty_tables["dashboard"]
    with connection.cursor() as cursor:
        cursor.execute("RENAME TABLE t_event_inbox TO t_event_inbox_elsewhere")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RENAME TABLE t_event_inbox_elsewhere TO t_event_inbox")


def test_a_table_that_fails_is_named_and_the_others_are_purged_all_the_same(
    settings, old_and_new_rows, dashboard_inbox_missing
):
    result = run_edquill(settings, "retention", "purge")

    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: the dashboard inbox purge failed: ProgrammingError"), line
    assert count_outbox_rows(old_and_new_rows["registrar"]) == 1
    assert count_rows(old_and_new_rows["kpi"], "t_event_inbox") == 1
    assert count_rows(old_and_new_rows["notifier"], "t_message_log") == 1
