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


# A module longer than this is doing more than one thing: split it by responsibility. Counted
# as ruff formats it (the format check above keeps that true).
MAX_MODULE_LINES = 300
# Every folder of code that runs: the runtime library, the developer tools, each service.
LENGTH_CHECKED = (
    "shared",
    "devtools",
    "acceptance",
    "services/registrar",
    "services/notifier",
    "services/kpi",
    "services/dashboard",
    "services/outbox-relay",
)


@pytest.mark.parametrize("folder", LENGTH_CHECKED)
def test_no_module_is_longer_than_the_limit(folder):
    modules = sorted((ROOT / folder).rglob("*.py"))
    assert modules, f"no modules found under {folder}/"
    too_long = {
        str(module.relative_to(ROOT)): lines
        for module in modules
        if (lines := len(module.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}, f"split these by responsibility (limit {MAX_MODULE_LINES} lines)"
