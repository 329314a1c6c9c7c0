"""docs/runbook.md read as the tests need it: its numbered sections and their fenced blocks.

A block fenced ```sh is meant to run on any machine with the system running (the tests run
every one); ```console is for a host (packages, users, systemd, supervisor's files), shown
to the reader and never run; ```sql, ```ini and the others are text to read or paste."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.paths import ROOT

RUNBOOK = ROOT / "docs" / "runbook.md"

_SECTION = re.compile(r"^## (\d+)\. (.+)$", re.MULTILINE)
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    language: str
    text: str


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    text: str

    def all_blocks(self) -> list[Block]:
        return [Block(language, body) for language, body in _FENCE.findall(self.text)]

    def blocks(self, language: str) -> list[Block]:
        return [block for block in self.all_blocks() if block.language == language]


def sections() -> dict[int, Section]:
    """Every numbered section (`## N. Title`), by number, with its text up to the next one."""
    text = RUNBOOK.read_text()
    headings = list(_SECTION.finditer(text))
    found = {}
    for heading, following in zip(headings, [*headings[1:], None]):
        end = following.start() if following else len(text)
        number = int(heading.group(1))
        found[number] = Section(number, heading.group(2), text[heading.end() : end])
    return found
