"""Answers of other services within a budget: fresh, stale, or none, and one call per key."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from dashboard.adapters.answer_cache import AnswerCache


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def executor():
    with ThreadPoolExecutor(max_workers=4) as pool:
        yield pool


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def cache(executor, clock):
    return AnswerCache(
        executor, fresh_seconds=30, keep_stale_seconds=600, max_entries=3, clock=clock
    )


def fail():
    raise ConnectionError("nobody home")


def test_an_answer_in_time_is_fresh(cache):
    fetched = cache.fetch_all({"a": ("k", lambda: 42)}, budget_seconds=1)["a"]

    assert (fetched.value, fetched.stale) == (42, False)
    assert fetched.fetched_at is not None


def test_a_fresh_answer_is_served_without_calling_again(cache):
    calls = []
    cache.fetch_all({"a": ("k", lambda: calls.append(1) or 1)}, 1)

    cache.fetch_all({"a": ("k", lambda: calls.append(1) or 2)}, 1)

    assert len(calls) == 1


def test_after_the_fresh_time_the_service_is_asked_again(cache, clock):
    cache.fetch_all({"a": ("k", lambda: 1)}, 1)
    clock.now += 31

    assert cache.fetch_all({"a": ("k", lambda: 2)}, 1)["a"].value == 2


def test_a_failure_serves_the_last_answer_marked_stale(cache, clock):
    cache.fetch_all({"a": ("k", lambda: 1)}, 1)
    clock.now += 31

    fetched = cache.fetch_all({"a": ("k", fail)}, 1)["a"]

    assert (fetched.value, fetched.stale) == (1, True)


def test_a_failure_without_an_answer_is_none_marked_stale(cache):
    fetched = cache.fetch_all({"a": ("k", fail)}, 1)["a"]

    assert (fetched.value, fetched.stale, fetched.fetched_at) == (None, True, None)


def test_an_answer_too_old_is_not_shown(cache, clock):
    cache.fetch_all({"a": ("k", lambda: 1)}, 1)
    clock.now += 601

    assert cache.fetch_all({"a": ("k", fail)}, 1)["a"].value is None


def test_a_slow_call_costs_the_budget_only_and_fills_the_cache_when_it_ends(cache, clock):
    release = threading.Event()

    def slow():
        release.wait(5)
        return "late"

    started = time.monotonic()
    fetched = cache.fetch_all({"a": ("k", slow)}, budget_seconds=0.05)["a"]
    waited = time.monotonic() - started

    assert (fetched.value, fetched.stale) == (None, True)
    assert waited < 0.5
    release.set()
    deadline = time.monotonic() + 5
    while cache.answer_for("k").value is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert cache.answer_for("k").value == "late"


def test_only_one_call_per_key_is_in_flight(cache):
    release, calls = threading.Event(), []

    def slow():
        calls.append(1)
        release.wait(5)
        return 1

    for _ in range(3):
        cache.fetch_all({"a": ("k", slow)}, budget_seconds=0.02)
    release.set()

    assert len(calls) == 1


def test_several_asks_run_in_parallel_within_one_budget(cache):
    def slowish():
        time.sleep(0.1)
        return 1

    started = time.monotonic()
    answers = cache.fetch_all({name: (name, slowish) for name in "abc"}, budget_seconds=1)

    assert all(answer.value == 1 for answer in answers.values())
    assert time.monotonic() - started < 0.25


def test_the_least_recently_used_answers_are_forgotten_first(cache):
    for key in "abcd":
        cache.fetch_all({"x": (key, lambda: key)}, 1)

    assert cache.answer_for("a").value is None
    assert cache.answer_for("d").value == "d"


def test_an_answer_fetched_for_this_request_is_fresh_however_short_the_fresh_time(executor, clock):
    def slow_clock_call():
        clock.now += 0.5  # the call takes longer than the whole fresh time
        return 1

    cache = AnswerCache(
        executor, fresh_seconds=0.001, keep_stale_seconds=600, max_entries=3, clock=clock
    )

    fetched = cache.fetch_all({"a": ("k", slow_clock_call)}, budget_seconds=1)["a"]

    assert (fetched.value, fetched.stale) == (1, False)
