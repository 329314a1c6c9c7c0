"""The worker runtime's rules, with nothing running: back-off with its cap and jitter, the pause
a stop cuts short, closing quietly, SIGTERM to a stop event, and where metrics listen."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from shared.backoff import Backoff
from shared.config import Settings
from shared.config_error import ConfigError
from shared.worker import close_quietly, pause, run_until_signalled

DEVELOPMENT = {"EDQUILL_ENV": "development"}


def test_a_backoff_doubles_up_to_its_cap_and_starts_over_after_a_success():
    backoff = Backoff(0.2, 1.0, jitter=0)

    first = [backoff.next() for _ in range(5)]
    backoff.reset()

    assert first == [0.2, 0.4, 0.8, 1.0, 1.0]
    assert backoff.next() == 0.2


@pytest.mark.parametrize("draw, expected", [(0.0, 10.0), (0.5, 9.0), (0.999, 8.002)])
def test_jitter_only_shortens_a_wait_so_the_cap_still_holds(draw, expected):
    backoff = Backoff(10.0, 10.0, jitter=0.2, rand=lambda: draw)

    assert backoff.next() == pytest.approx(expected)


def test_a_jitter_of_a_whole_wait_or_more_is_refused():
    with pytest.raises(ValueError):
        Backoff(0.2, 10.0, jitter=1.0)


def test_a_pause_ends_as_soon_as_the_stop_is_set():
    stopping = threading.Event()
    threading.Timer(0.1, stopping.set).start()
    started = time.monotonic()

    stopped = pause(stopping, 30)

    assert stopped
    assert time.monotonic() - started < 5


def test_a_pause_runs_its_full_length_without_a_stop():
    assert pause(threading.Event(), 0.05) is False


def test_a_pause_that_serves_a_connection_stops_within_a_step():
    stopping = threading.Event()
    slices: list[float] = []

    def serve(seconds: float) -> None:
        slices.append(seconds)
        if len(slices) == 2:
            stopping.set()

    assert pause(stopping, 30, serve=serve, step=0.25)
    assert slices == [0.25, 0.25]


class Broken:
    def __init__(self, error: BaseException):
        self.error, self.closed = error, False

    def close(self) -> None:
        self.closed = True
        raise self.error


def test_closing_a_broken_connection_is_quiet():
    connection = Broken(OSError("connection reset"))

    close_quietly(connection)
    close_quietly(None)

    assert connection.closed


def test_closing_quietly_lets_errors_it_was_not_told_about_through():
    with pytest.raises(KeyError):
        close_quietly(Broken(KeyError("bug")), errors=(OSError,))


class WaitingWorker:
    name = "test worker"

    def __init__(self):
        self.stopped_by_signal = False

    def run(self, stopping: threading.Event) -> None:
        self.stopped_by_signal = stopping.wait(30)


def test_sigterm_sets_the_workers_stop_event_and_the_handlers_are_put_back():
    before = signal.getsignal(signal.SIGTERM)
    worker = WaitingWorker()
    threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGTERM)).start()

    run_until_signalled(worker)

    assert worker.stopped_by_signal
    assert signal.getsignal(signal.SIGTERM) is before


def test_metrics_listen_on_this_machine_only_unless_told_otherwise():
    assert Settings.from_env(DEVELOPMENT).metrics_host == "127.0.0.1"
    assert (
        Settings.from_env({**DEVELOPMENT, "EDQUILL_METRICS_HOST": "0.0.0.0"}).metrics_host
        == "0.0.0.0"
    )


@pytest.mark.parametrize("host", ["localhost", "0.0.0.0:9400", "10.0.0.0/8"])
def test_a_metrics_host_that_is_not_an_address_is_refused_by_name(host):
    with pytest.raises(ConfigError, match="EDQUILL_METRICS_HOST"):
        Settings.from_env({**DEVELOPMENT, "EDQUILL_METRICS_HOST": host})
