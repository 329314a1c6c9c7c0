"""Every ```sh block of docs/runbook.md runs, against a whole running system, and exits 0.

Each section's blocks run in one bash, in order, so what one block sets (a token, an id)
the next one uses; EQ is this install's `edquill` with the system's environment, BASE its
gateway. Blocks for a host of its own are fenced ```console and only shown."""

from __future__ import annotations

import subprocess

import pytest

from shared.paths import ROOT
from tests.support.processes import EDQUILL
from tests.support.runbook import sections
from tests.support.servers import environment

# How the runbook fences its blocks: run here, shown for a host, or text to read.
LANGUAGES = {"sh", "console", "sql", "ini", "text"}
# The floor of what runs, so blocks cannot quietly turn into ```console: at least this many in
# all, the whole of section 6's curl flow (token to converted student) and section 12's check.
MIN_EXECUTED_BLOCKS = 12
MIN_SECTION_6_BLOCKS = 8
# Section 6 and 12 take seconds each; this bounds a hung curl or command.
SECTION_TIMEOUT_S = 120
DONE = "::runbook section done"

RUNNABLE = {number: section for number, section in sections().items() if section.blocks("sh")}


def section_script(number: int) -> str:
    lines = ["set -eo pipefail"]
    for index, block in enumerate(RUNNABLE[number].blocks("sh"), start=1):
        lines += [f"echo '::block {index}'", block.text]
    return "\n".join([*lines, f"echo '{DONE}'", ""])


def test_every_block_says_whether_it_runs():
    languages = {block.language for s in sections().values() for block in s.all_blocks()}

    assert languages <= LANGUAGES, languages - LANGUAGES


def test_the_runbook_runs_its_flow_and_its_checklist():
    executed = sum(len(section.blocks("sh")) for section in RUNNABLE.values())
    flow = "\n".join(block.text for block in RUNNABLE[6].blocks("sh"))

    assert executed >= MIN_EXECUTED_BLOCKS
    assert len(RUNNABLE[6].blocks("sh")) >= MIN_SECTION_6_BLOCKS
    steps = ("token issue", "self-registrations", "status", "assign-class", "approve", "promote")
    assert all(step in flow for step in steps), [step for step in steps if step not in flow]
    assert any("$EQ acceptance" in block.text for block in RUNNABLE[12].blocks("sh"))


@pytest.mark.parametrize("number", sorted(RUNNABLE))
def test_section_blocks_exit_zero(running_system, number):
    env = environment(running_system.settings)
    env.update(running_system.env, EQ=EDQUILL, BASE=running_system.base_url)

    done = subprocess.run(
        ["bash", "-c", section_script(number)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SECTION_TIMEOUT_S,
    )

    started = [line for line in done.stdout.splitlines() if line.startswith("::block")]
    assert done.returncode == 0 and DONE in done.stdout, (
        f"section {number}, {started[-1] if started else 'before its first block'} failed "
        f"(exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    )
