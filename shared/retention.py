"""How long settled rows are kept: the retention knobs (EDQUILL_RETENTION_*), their rules,
and the cutoff each purge deletes before. No I/O: the purges themselves are each service's
(see `edquill retention purge`, shared.retention_command).

The three ages are ordered, because each table covers for the one before it: an event still in
the outbox could be published again (a replay, a restored backup), so every consumer's inbox
must still remember it; an event the inbox no longer remembers is stopped by the message
log's dedupe keys, so the log must outlive the inbox.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta, timezone
from typing import Mapping

from shared.config_error import ConfigError
from shared.knobs import knobs_from_env

PREFIX = "EDQUILL_RETENTION_"

# Largest batch a purge may delete in one statement: beyond it one DELETE holds its row locks
# (and the binlog event it writes) long enough to stall the writers of the same table.
MAX_BATCH_SIZE = 10_000


@dataclass(frozen=True)
class RetentionKnobs:
    # Published outbox events, in days: two weeks for replays and audits, as long as the
    # nightly backups are kept.
    outbox_days: int = 14
    # Consumers' inbox rows (redelivery dedupe), in days: longer than anything that can deliver
    # an event again (the outbox's 14 days; a restored backup, up to 14 days old, publishes
    # again what was waiting when it was made), with two weeks to spare.
    inbox_days: int = 30
    # The notifier's settled messages (the History tab, the send dedupe), in days: a school
    # year and a term, so last year's admissions season is still there when this one begins.
    message_log_days: int = 400
    # Rows deleted per statement (each its own commit): a few milliseconds of locks each.
    batch_size: int = 1000

    def validate(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if value < 1:
                raise ConfigError(
                    f"{PREFIX}{item.name.upper()} must be a positive whole number, got {value}"
                )
        if self.batch_size > MAX_BATCH_SIZE:
            raise ConfigError(
                f"{PREFIX}BATCH_SIZE must be at most {MAX_BATCH_SIZE}, got {self.batch_size}"
            )
        _at_least("inbox_days", self.inbox_days, "outbox_days", self.outbox_days)
        _at_least("message_log_days", self.message_log_days, "inbox_days", self.inbox_days)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "RetentionKnobs":
        """The knobs from the environment; "1.5", "x" or 0 stop the command naming the variable."""
        return knobs_from_env(cls, PREFIX, environ)


def _at_least(name: str, value: int, floor_name: str, floor: int) -> None:
    if value < floor:
        raise ConfigError(
            f"{PREFIX}{name.upper()} ({value}) must be at least {PREFIX}{floor_name.upper()} "
            f"({floor}): each table must remember what the one before it can still send again"
        )


def cutoff(now: datetime, days: int) -> datetime:
    """The moment before which rows kept `days` days go, as the databases hold times: naive
    UTC. Counted once per run from one `now`, so rows that age past it while a purge runs are
    left for the next run and every purge ends."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return (now.astimezone(timezone.utc) - timedelta(days=days)).replace(tzinfo=None)


@dataclass(frozen=True)
class Purged:
    """What one purge did (or, in a dry run, would do) to one table."""

    database: str  # the database's full name, as an operator's mysql client names it
    table: str
    kept_days: int
    rows: int

    def describe(self, dry_run: bool) -> str:
        done = "would purge" if dry_run else "purged"
        return (
            f"{self.database}.{self.table}: {done} {self.rows} rows "
            f"older than {self.kept_days} days"
        )
