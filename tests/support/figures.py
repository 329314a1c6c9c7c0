"""What the slow tiers counted (stacks started, events sent through a node's loss, requests
through a pair's kill), printed together at the end of the run: a green run's output then
carries its figures, without -s and without digging through each test's captured output."""

from __future__ import annotations

# section title -> its lines, in the order the tests reported them
REPORTED: dict[str, list[str]] = {}


def report(section: str, line: str) -> None:
    REPORTED.setdefault(section, []).append(line)


def write_summary(terminalreporter) -> None:
    for section, lines in REPORTED.items():
        terminalreporter.section(section)
        for line in lines:
            terminalreporter.write_line(line)
