"""Back-off: how long to wait after consecutive failures, doubling from a first wait to a cap.

The one rule behind every wait after a failure: a worker reconnecting to a lost server
(shared.worker), a consumer giving a message back, the relay's and the notifier's retry
schedules for a stored row. Pure, so domain rules may use it: no clock, no I/O.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Callable, TypeVar

Wait = TypeVar("Wait", float, timedelta)

# Each wait is shortened by up to this fraction at random, so that the processes cut off by one
# outage do not all knock at the same instant when it ends.
JITTER = 0.2
# Past this many doublings every cap in use has long been reached; bounding the exponent keeps
# a huge attempt count from overflowing a timedelta.
MAX_DOUBLINGS = 32


def backoff_delay(attempt: int, first: Wait, cap: Wait) -> Wait:
    """The wait after failed attempt number `attempt` (1-based): doubling from first to cap."""
    return min(first * 2 ** min(max(attempt - 1, 0), MAX_DOUBLINGS), cap)


class Backoff:
    """Waits after consecutive failures: `next()` after each one, `reset()` after a success.

    Each wait is shortened at random by up to `jitter` (a fraction), never lengthened, so the
    cap still holds: processes cut off by one outage then do not all retry at one instant.
    """

    def __init__(
        self,
        first: float,
        cap: float,
        jitter: float = JITTER,
        rand: Callable[[], float] = random.random,
    ):
        if not 0 <= jitter < 1:
            raise ValueError(f"jitter is a fraction between 0 and 1, got {jitter}")
        self.first, self.cap, self.jitter = first, cap, jitter
        self.failures = 0
        self._rand = rand

    def next(self) -> float:
        self.failures += 1
        return backoff_delay(self.failures, self.first, self.cap) * (1 - self.jitter * self._rand())

    def reset(self) -> None:
        self.failures = 0
