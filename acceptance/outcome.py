"""One criterion's result: what was measured against what bound, and whether it passed."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Callable, TypeVar

from acceptance.bounds import POLL_INTERVAL_S

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    criterion: str
    figure: str  # what was measured, in words and numbers
    bound: str  # what passes
    passed: bool

    def line(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        return f"{verdict}  {self.criterion:<38} {self.figure}  (bound: {self.bound})"


def p95_ms(seconds: list[float]) -> float:
    """The 95th percentile of the samples, in milliseconds."""
    return statistics.quantiles(seconds, n=100, method="inclusive")[94] * 1000


def waited_for(found: Callable[[], T], timeout_s: float) -> tuple[T | None, float]:
    """Call `found` until it answers something truthy or `timeout_s` has passed; returns the
    answer (None at the deadline) and the seconds it took."""
    started = time.monotonic()
    while True:
        answer = found()
        elapsed = time.monotonic() - started
        if answer or elapsed >= timeout_s:
            return (answer or None), elapsed
        time.sleep(POLL_INTERVAL_S)
