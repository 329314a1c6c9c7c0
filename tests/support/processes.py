"""Services and workers started as real processes (`edquill ...`), as operators run them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from devtools.ports import free_port
from shared.config import Settings
from tests.support.servers import environment
from tests.support.waiting import wait_until

EDQUILL = str(Path(sys.executable).with_name("edquill"))


class EdquillProcess:
    def __init__(
        self,
        settings: Settings,
        *args: str,
        extra_env: dict | None = None,
        own_process_group: bool = False,
    ):
        env = environment(settings)
        env.update(extra_env or {})
        self.args = args
        # Output goes to a file, not a pipe: a chatty process (a relay logging every retry)
        # would block once a pipe nobody reads until the end is full.
        self._log = tempfile.TemporaryFile(mode="w+", prefix="edquill-", suffix=".log")
        # In a group of its own (its session), the process and every child it forks (gunicorn's
        # workers) can be killed at once, as a machine or container dies.
        self.process = subprocess.Popen(
            [EDQUILL, *args],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=own_process_group,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        return self.process.poll()

    def output(self) -> str:
        """What the process has printed so far (stdout and stderr together)."""
        self._log.flush()
        self._log.seek(0)
        return self._log.read()

    def send_signal(self, signum: int) -> None:
        if self.running:
            os.kill(self.process.pid, signum)

    def terminate(self, timeout: float = 30) -> str:
        """SIGTERM, wait, and return what the process printed."""
        self.send_signal(signal.SIGTERM)
        self.process.wait(timeout=timeout)
        return self.output()

    def kill(self) -> None:
        """SIGKILL: no clean-up, as in a crash."""
        self.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def kill_process_group(self) -> None:
        """SIGKILL the process and its children (started with own_process_group): a crash
        of the whole server, no worker left finishing a request."""
        if self.running:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 30) -> None:
        """Whatever state it is in (running, paused, hung): make sure it is gone."""
        if not self.running:
            return
        self.send_signal(signal.SIGCONT)
        try:
            self.terminate(timeout)
        except subprocess.TimeoutExpired:
            self.kill()


def start_relay(settings: Settings, *extra: str, extra_env: dict | None = None) -> EdquillProcess:
    return EdquillProcess(
        settings, "outbox", "worker", "--lease-seconds", "3", *extra, extra_env=extra_env
    )


def run_edquill(
    settings: Settings, *args: str, extra_env: dict | None = None, timeout: float = 60
) -> subprocess.CompletedProcess:
    """Run one `edquill` command to the end, as an operator would; output is captured."""
    env = environment(settings)
    env.update(extra_env or {})
    return subprocess.run(
        [EDQUILL, *args], env=env, capture_output=True, text=True, timeout=timeout
    )


# -- HTTP services -----------------------------------------------------------------------


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass
class Served:
    process: EdquillProcess
    url: str

    def stop(self) -> None:
        self.process.stop()


def serve(
    settings: Settings,
    service: str,
    extra_env: dict | None = None,
    port: int | None = None,
    *,
    instance: int = 1,
    own_process_group: bool = False,
) -> Served:
    """`edquill serve <service>` on `port` (default: a free one) with one worker, once
    /healthz answers. Instance 2 is started as supervisor starts it (`--instance 2`, its
    port in EDQUILL_<SERVICE>_SECOND_PORT)."""
    port = port or free_port()
    if instance == 1:
        where, env = ("--port", str(port)), dict(extra_env or {})
    else:
        where = ("--instance", str(instance))
        env = {**(extra_env or {}), f"EDQUILL_{service.upper()}_SECOND_PORT": str(port)}
    process = EdquillProcess(
        settings,
        "serve",
        service,
        *where,
        "--workers",
        "1",
        extra_env=env,
        own_process_group=own_process_group,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: answers(f"{url}/healthz") or not process.running,
            timeout=60,
            what=f"the {service} service to serve",
        )
    except AssertionError:
        process.stop()
        raise
    assert process.running, process.output()
    return Served(process, url)
