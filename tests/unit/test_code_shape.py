"""The code keeps its shape: ruff (lint, import order, format) and import-linter's contracts
(pyproject.toml) pass over the whole tree. A change that breaks one fails here, naming it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from shared.paths import ROOT

BIN = Path(sys.executable).parent
# Generous for a cold run on a busy 2-core machine; each takes about a second.
CHECK_TIMEOUT_SECONDS = 120


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=CHECK_TIMEOUT_SECONDS
    )


@pytest.mark.parametrize("check", [("check",), ("format", "--check")], ids=["lint", "format"])
def test_ruff_finds_nothing_to_change(check):
    done = run(str(BIN / "ruff"), *check, ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_import_contract_is_kept():
    done = run(str(BIN / "lint-imports"), "--no-cache")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
