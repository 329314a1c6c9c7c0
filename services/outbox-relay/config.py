"""The relay's knobs, read once from the environment into one typed object.

Each field may be set with EDQUILL_RELAY_<FIELD NAME IN CAPITALS>; a flag of
`edquill outbox worker` overrides its variable. A bad value stops the process at start with
the variable's name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Mapping

from shared.config_error import ConfigError
from shared.knobs import knobs_from_env

PREFIX = "EDQUILL_RELAY_"

# What each knob may be; the worker's flags take the same ranges (click checks those).
LIMITS = {
    "batch_size": (1, 5000),
    "sleep_ms": (1, 60_000),
    "lease_seconds": (1, 3600),
    "max_attempts": (1, 100),
    "confirm_timeout_seconds": (1, 300),
}


@dataclass(frozen=True)
class RelayOptions:
    # Confirms cost about the same per batch whatever its size (one disk sync on the broker),
    # so a deep backlog drains fastest in big batches; at a trickle, batches are small anyway.
    batch_size: int = 1000
    # Longest idle pause between polls; polling is immediate while there is work, so this is
    # the worst added latency of an event that comes after a quiet spell.
    sleep_ms: int = 50
    # How long a partition stays with a relay that stops renewing it (a crash): the longest
    # a dead relay's events wait for another relay to take them over.
    lease_seconds: float = 15.0
    # A row the broker refused (unroutable) this many times is parked as dead (about a minute
    # of retries); outages and nacks do not count.
    max_attempts: int = 8
    # Longest wait for the broker to confirm a batch: past it, the rows are given back and the
    # broker is treated as unavailable.
    confirm_timeout_seconds: float = 10.0

    @property
    def max_idle_sleep(self) -> float:
        return self.sleep_ms / 1000

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.lease_seconds)

    @property
    def confirm_timeout(self) -> float:
        return self.confirm_timeout_seconds

    def validate(self) -> None:
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            if not low <= value <= high:
                raise ConfigError(
                    f"{PREFIX}{name.upper()} must be between {low} and {high}, got {value}"
                )

    def overridden(self, **flags) -> "RelayOptions":
        """These options with every flag given (not None) in place of its variable."""
        options = replace(
            self, **{name: value for name, value in flags.items() if value is not None}
        )
        options.validate()
        return options

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "RelayOptions":
        return knobs_from_env(cls, PREFIX, environ)
