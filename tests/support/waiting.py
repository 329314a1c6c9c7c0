"""Waiting for a condition with a deadline, instead of sleeping a guessed time."""

from __future__ import annotations

import time
from typing import Callable, TypeVar

T = TypeVar("T")

# How often a condition is re-checked: quick enough not to slow a test down, slow enough not
# to load the servers the test is watching.
POLL_INTERVAL = 0.05


def wait_until(
    predicate: Callable[[], T],
    timeout: float = 10.0,
    *,
    what: str | None = None,
    interval: float = POLL_INTERVAL,
) -> T:
    """Call `predicate` until it returns something truthy, and return that; fail at the deadline.

    The failure names `what` was awaited (or the predicate) and its last answer."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            name = what or getattr(predicate, "__name__", repr(predicate))
            raise AssertionError(
                f"timed out after {timeout}s waiting for {name} (last answer: {value!r})"
            )
        time.sleep(interval)


def stays_true(
    predicate: Callable[[], object], duration: float, *, interval: float = POLL_INTERVAL
) -> bool:
    """Whether `predicate` holds at every check for `duration` seconds (False at the first
    miss): for a state that must be settled, not just seen once."""
    deadline = time.monotonic() + duration
    while True:
        if not predicate():
            return False
        if time.monotonic() >= deadline:
            return True
        time.sleep(interval)
