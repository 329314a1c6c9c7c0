"""One whole system for the end-to-end tests that need all of it at once (the acceptance
check, the runbook's snippets): `edquill up` on databases and an exchange of its own, so what
the rest of the suite leaves in the session's outbox and queues cannot move its figures."""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import pytest

from devtools.gateway import find_nginx
from shared.config import Settings
from tests.support.processes import EDQUILL, run_edquill
from tests.support.servers import isolated_run
from tests.support.system import System, command_line, descendants

SCHOOL_SLUG = "acceptance-academy"
# The acceptance check's latency bounds are for a host of its own. This 2-core machine runs
# several test sessions at once (a load above 10 is common), so the tests widen those two:
# they hold the command to measuring and judging, not this machine to a host's speed.
SHARED_MACHINE_BOUNDS = {
    "EDQUILL_ACCEPTANCE_LEAD_QUEUE_P95_MAX_MS": "2000",
    "EDQUILL_ACCEPTANCE_DASHBOARD_P95_MAX_MS": "3000",
}


@dataclass
class RunningSystem:
    system: System
    settings: Settings
    school_id: int

    @property
    def base_url(self) -> str:
        """Where every API path answers: the gateway, or the registrar without nginx."""
        return self.system.url("gateway" if find_nginx() else "registrar", "")

    @property
    def env(self) -> dict[str, str]:
        """For commands run beside the system: its ports and addresses, and the bounds."""
        return {**self.system.env, **SHARED_MACHINE_BOUNDS}

    def edquill(self, *args: str, timeout: float = 120):
        return run_edquill(self.settings, *args, extra_env=self.env, timeout=timeout)

    def relay_pids(self) -> list[int]:
        return [
            pid
            for pid in descendants(self.system.process.pid)
            if command_line(pid)[1:4] == [EDQUILL, "outbox", "worker"]
        ]

    @contextmanager
    def relays_paused(self) -> Iterator[None]:
        """Both relays stopped (SIGSTOP): alive to `up`, which would stop everything if one
        exited, but publishing nothing until the block ends."""
        relays = self.relay_pids()
        assert len(relays) == 2, relays
        for pid in relays:
            os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            for pid in relays:
                os.kill(pid, signal.SIGCONT)


@pytest.fixture(scope="session")
def running_system(tmp_path_factory):
    with isolated_run() as settings:
        system = System(settings, tmp_path_factory.mktemp("system"), "--no-seed")
        try:
            system.wait_until_up()
            created = run_edquill(
                settings,
                "school",
                "create",
                "--name",
                "Acceptance Academy",
                "--slug",
                SCHOOL_SLUG,
                extra_env=system.env,
            )
            assert created.returncode == 0, created.stderr
            yield RunningSystem(system, settings, int(created.stdout.strip().splitlines()[-1]))
        finally:
            system.process.stop()
