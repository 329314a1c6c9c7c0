"""Where a benchmark's CPU goes: CPU seconds of named processes over a measured stretch, so a
figure can say what limits it on this machine (the database, the broker, the component, or the
benchmark's own load and consumers) instead of guessing.

    with CpuShare({"relays": relay_pids, "mariadbd": server_pids("mariadbd")}) as share:
        ...  # the measured work
    share.figures()  # {"wall_seconds": .., "cores": 2, "cores_used": {"relays": 0.8, ..}, ..}
"""

from __future__ import annotations

import os
import subprocess
import time
from typing import Iterable, Mapping

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def server_pids(*names: str) -> list[int]:
    """Pids of the processes running one of these executables (e.g. mariadbd, beam.smp)."""
    pids: list[int] = []
    for name in names:
        found = subprocess.run(["pgrep", "-x", name], capture_output=True, text=True)
        pids += [int(pid) for pid in found.stdout.split()]
    return pids


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (a gunicorn master and its workers), as they are now."""
    pids, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        pids.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as children:
                waiting += [int(child) for child in children.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return pids


def cpu_seconds(pids: Iterable[int]) -> float:
    """User and system CPU time of these processes so far (a process gone counts nothing)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                # Fields after the command name (which may hold spaces, hence the rsplit on ")").
                fields = stat.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


class CpuShare:
    def __init__(self, groups: Mapping[str, Iterable[int]]):
        self._groups = {name: list(pids) for name, pids in groups.items()}

    def __enter__(self) -> "CpuShare":
        self._started = time.monotonic()
        self._before = {name: cpu_seconds(pids) for name, pids in self._groups.items()}
        self._machine_before = _machine_busy_seconds()
        return self

    def __exit__(self, *_exc) -> None:
        self._wall = time.monotonic() - self._started
        self._after = {name: cpu_seconds(pids) for name, pids in self._groups.items()}
        self._machine_after = _machine_busy_seconds()

    def seconds_used(self) -> dict[str, float]:
        """CPU seconds each group took over the stretch, unrounded (for a per-unit cost)."""
        return {name: self._after[name] - self._before[name] for name in self._groups}

    def figures(self) -> dict:
        used = {
            name: round(seconds / self._wall, 2) for name, seconds in self.seconds_used().items()
        }
        cores = os.cpu_count() or 1
        machine = round((self._machine_after - self._machine_before) / self._wall, 2)
        return {
            "wall_seconds": round(self._wall, 2),
            "cores": cores,
            "cores_used": used,
            "machine_cores_busy": machine,
            "busiest": max(used, key=used.get) if used else None,
            "cpu_bound": machine >= 0.9 * cores,
        }


def _machine_busy_seconds() -> float:
    """Every core's non-idle time (/proc/stat), so the share of others on the machine shows."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / CLOCK_TICKS
