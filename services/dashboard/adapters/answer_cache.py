"""Answers of other services (KPI figures, held messages), asked for within a time budget and
kept a short while, so a slow or absent service cannot make the dashboard slow.

`fetch_all` asks for what is not fresh in parallel and waits at most the budget. A call that
outlives the budget is left to finish in the background (its answer is stored for the next
request), and only one call per key is ever in flight. Whatever did not come in time is served
from the last answer, marked stale, or as None when there is none (or it is too old).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from concurrent.futures import Executor, Future, wait
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Hashable, Mapping

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fetched:
    value: Any | None
    stale: bool
    # When the value was fetched (UTC), None when there is none.
    fetched_at: datetime | None


@dataclass
class _Entry:
    value: Any
    stored: float  # monotonic time it was stored
    fetched_at: datetime  # the same moment on the wall clock, for people


class AnswerCache:
    """Thread-safe; one per process."""

    def __init__(
        self,
        executor: Executor,
        *,
        fresh_seconds: float,
        keep_stale_seconds: float,
        max_entries: int,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ):
        self._executor = executor
        self._fresh, self._keep = fresh_seconds, keep_stale_seconds
        self._max_entries = max_entries
        self._clock, self._wall_clock = clock, wall_clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._in_flight: dict[Hashable, Future] = {}

    def ask(self, asks: Mapping[str, tuple[Hashable, Callable[[], Any]]]) -> "Asking":
        """Start a call for each {name: (key, call)} that is not fresh; collect the answers
        with `Asking.answers` once the caller's own work is done."""
        return Asking(
            self,
            asks,
            self._clock(),
            {name: self._start(key, call) for name, (key, call) in asks.items()},
        )

    def fetch_all(
        self, asks: Mapping[str, tuple[Hashable, Callable[[], Any]]], budget_seconds: float
    ) -> dict[str, "Fetched"]:
        """{name: (key, call)} -> {name: Fetched}, within budget_seconds."""
        return self.ask(asks).answers(budget_seconds)

    def seconds_since(self, started: float) -> float:
        return self._clock() - started

    def _start(self, key: Hashable, call: Callable[[], Any]) -> Future | None:
        """The call in flight for `key` (started now if none), None when the entry is fresh."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and self._clock() - entry.stored < self._fresh:
                return None
            future = self._in_flight.get(key)
            if future is None:
                future = self._executor.submit(self._call_and_store, key, call)
                self._in_flight[key] = future
            return future

    def _call_and_store(self, key: Hashable, call: Callable[[], Any]) -> None:
        try:
            value = call()
        except Exception as exc:  # any failure means "no answer"; the last one is kept
            log.warning("no answer for %r: %s", key, exc)
            with self._lock:
                self._in_flight.pop(key, None)
            return
        with self._lock:
            self._entries[key] = _Entry(value, self._clock(), self._wall_clock())
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
            # Stored before the call stops counting as in flight: no second call can start
            # in between for lack of an answer.
            self._in_flight.pop(key, None)

    def answer_for(self, key: Hashable, fetched_since: float | None = None) -> Fetched:
        """What is known for `key` now: fresh, stale, or None (stale). An answer stored at or
        after `fetched_since` (a clock reading) counts as fresh: it came for this request."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return Fetched(None, True, None)
            age = self._clock() - entry.stored
            if age >= self._keep:
                return Fetched(None, True, None)
            self._entries.move_to_end(key)
            fresh = age < self._fresh or (
                fetched_since is not None and entry.stored >= fetched_since
            )
            return Fetched(entry.value, not fresh, entry.fetched_at)


class Asking:
    """Calls started by `AnswerCache.ask`, to be collected within a budget from their start."""

    def __init__(self, cache: AnswerCache, asks, started: float, calls: dict[str, Future | None]):
        self._cache, self._asks, self._started, self._calls = cache, asks, started, calls

    def answers(self, budget_seconds: float) -> dict[str, Fetched]:
        pending = [future for future in self._calls.values() if future is not None]
        if pending:
            left = budget_seconds - self._cache.seconds_since(self._started)
            wait(pending, timeout=max(left, 0))
        return {
            name: self._cache.answer_for(key, fetched_since=self._started)
            for name, (key, _call) in self._asks.items()
        }
