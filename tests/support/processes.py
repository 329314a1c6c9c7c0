"""Services and workers started as real processes (`edquill ...`), as operators run them."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from shared.config import Settings
from tests.support.servers import environment

EDQUILL = str(Path(sys.executable).with_name("edquill"))


class EdquillProcess:
    def __init__(self, settings: Settings, *args: str, extra_env: dict | None = None):
        env = environment(settings)
        env.update(extra_env or {})
        self.args = args
        self.process = subprocess.Popen([EDQUILL, *args], env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)

    def terminate(self, timeout: float = 30) -> str:
        """SIGTERM, wait, and return what the process printed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=timeout)
        return output

    def kill(self) -> None:
        """SIGKILL: no clean-up, as in a crash."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.communicate(timeout=10)

    @property
    def running(self) -> bool:
        return self.process.poll() is None


def start_relay(settings: Settings, *extra: str) -> EdquillProcess:
    return EdquillProcess(settings, "outbox", "worker", "--lease-seconds", "3", *extra)
