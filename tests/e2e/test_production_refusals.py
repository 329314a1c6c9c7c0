"""In production every kind of process refuses to start on a weak secret or no public address:
one line on stderr naming the variable, a non-zero exit, and nothing started."""

from __future__ import annotations

import os
import subprocess

import pytest

from shared.config import DEV_SECRET_KEY
from tests.support.processes import EDQUILL

# The process kinds operators run (deploy/supervisor, cron): web under gunicorn, the relay,
# each worker, and CLI commands.
PROCESSES = {
    "web": ("serve", "registrar", "--port", "1"),
    "relay": ("outbox", "worker"),
    "notifier worker": ("notifier", "worker"),
    "kpi worker": ("kpi", "worker"),
    "dashboard worker": ("dashboard", "worker"),
    "cli": ("token", "issue", "--school-id", "1", "--role", "viewer"),
}
STRONG_KEY = "a-key-of-this-test-only-" + "x" * 16
FAULTS = {
    "no key": ({"EDQUILL_SECRET_KEY": None}, "EDQUILL_SECRET_KEY is not set"),
    "short key": ({"EDQUILL_SECRET_KEY": "s" * 31}, "EDQUILL_SECRET_KEY must be at least 32"),
    "shipped key": ({"EDQUILL_SECRET_KEY": DEV_SECRET_KEY}, "example key shipped"),
    "no public url": ({"EDQUILL_PUBLIC_URL": None}, "EDQUILL_PUBLIC_URL is not set"),
}
# A refusal comes before any connection; this only bounds a process that wrongly starts.
REFUSAL_TIMEOUT_SECONDS = 30


def production_env(changes: dict[str, str | None]) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("EDQUILL_")}
    env.update(EDQUILL_PUBLIC_URL="https://school.example", EDQUILL_SECRET_KEY=STRONG_KEY)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("process", PROCESSES)
def test_production_refuses_to_start_with_one_line(process, fault):
    changes, expected = FAULTS[fault]
    done = subprocess.run(
        [EDQUILL, *PROCESSES[process]],
        env=production_env(changes),
        capture_output=True,
        text=True,
        timeout=REFUSAL_TIMEOUT_SECONDS,
    )
    assert done.returncode != 0
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert expected in lines[0]


def test_a_wrong_environment_name_is_refused_in_one_line():
    done = subprocess.run(
        [EDQUILL, "outbox", "status"],
        env=production_env({"EDQUILL_ENV": "prod"}),
        capture_output=True,
        text=True,
        timeout=REFUSAL_TIMEOUT_SECONDS,
    )
    assert done.returncode != 0
    assert done.stderr.strip() == (
        "error: EDQUILL_ENV must be production or development, got 'prod'"
    )


@pytest.mark.parametrize("command", [(), ("outbox", "worker")])
def test_help_needs_no_secrets(command):
    done = subprocess.run(
        [EDQUILL, *command, "--help"],
        env=production_env({"EDQUILL_SECRET_KEY": None}),
        capture_output=True,
        text=True,
        timeout=REFUSAL_TIMEOUT_SECONDS,
    )
    assert done.returncode == 0
    assert "Usage" in done.stdout
