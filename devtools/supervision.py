"""Child processes run together: started with a log file each, awaited, watched, stopped.

Each child leads its own process group, so a Ctrl-C in the terminal reaches the parent alone,
which then stops the children itself; and each child gets SIGTERM from the kernel if the
parent dies without stopping them (Linux's parent-death signal), so none is left behind.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

# Time a child gets between SIGTERM and SIGKILL: a relay finishes the batch in flight and
# gunicorn its requests (its graceful timeout is 20 s) well within it.
STOP_TIMEOUT_SECONDS = 30.0
# How often a port and the children are looked at while waiting: quick to react, cheap to run.
POLL_SECONDS = 0.1
WATCH_SECONDS = 0.5
PR_SET_PDEATHSIG = 1


class ChildExited(RuntimeError):
    """A child stopped on its own; the message names it and ends with its last log lines."""

    def __init__(self, child: "Child"):
        tail = child.log_tail(5).strip().replace("\n", " | ")
        super().__init__(
            f"{child.name} exited with code {child.process.returncode} "
            f"(log {child.log_path}: {tail})"
        )
        self.child = child


class NotReady(RuntimeError):
    """A child is running but did not answer in time."""


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    log_path: Path

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        with self.log_path.open(errors="replace") as log:
            return "".join(deque(log, maxlen=lines))


class ChildProcesses:
    def __init__(self, log_dir: Path, env: dict[str, str] | None = None):
        self._log_dir = log_dir
        self._env = env
        self.children: list[Child] = []

    def start(self, name: str, argv: list[str]) -> Child:
        self._log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self._log_dir / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self._env,
                process_group=0,
                preexec_fn=_exit_with_parent(os.getpid()),
            )
        child = Child(name, process, log_path)
        self.children.append(child)
        return child

    def first_exited(self) -> Child | None:
        return next((child for child in self.children if not child.running), None)

    def raise_if_one_exited(self) -> None:
        exited = self.first_exited()
        if exited is not None:
            raise ChildExited(exited)

    def wait_until_ready(
        self,
        name: str,
        answers: Callable[[], bool],
        timeout: float,
        stop_requested: threading.Event,
    ) -> None:
        """Return once `answers()` (or a stop is requested); raise if a child exits first."""
        deadline = time.monotonic() + timeout
        while not answers() and not stop_requested.is_set():
            self.raise_if_one_exited()
            if time.monotonic() > deadline:
                raise NotReady(f"{name} did not answer within {timeout:.0f} s")
            time.sleep(POLL_SECONDS)

    def watch(self, stop_requested: threading.Event) -> None:
        """Return when a stop is requested; raise ChildExited when a child stops first."""
        while not stop_requested.wait(WATCH_SECONDS):
            self.raise_if_one_exited()

    def stop_all(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """SIGTERM every child (last started first), wait, then SIGKILL what is left."""
        for child in reversed(self.children):
            if child.running:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in reversed(self.children):
            try:
                child.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for child in self.children:
            # The whole group: a server's own workers go with it even if it was killed first.
            _kill_group(child.process.pid)
            child.process.wait()


def _exit_with_parent(parent_pid: int):
    def set_parent_death_signal() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the parent died before the line above ran
            os._exit(1)

    return set_parent_death_signal


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def port_answers(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def http_answers(port: int, path: str, host: str = "127.0.0.1") -> bool:
    """Whether an HTTP server answers `path` at all (any status): its app has loaded."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}{path}", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
