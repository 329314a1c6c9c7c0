"""Collapsing: held reminders released together become one message per family.

A family is one recipient address at one school. Order is kept: groups come in the order of
their first member, members in the order they were held.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class HeldMessage:
    id: int
    school_id: int
    recipient: str
    template: str
    context: dict


@dataclass(frozen=True)
class Release:
    members: tuple[HeldMessage, ...]

    @property
    def collapsed(self) -> bool:
        return len(self.members) > 1

    @property
    def first(self) -> HeldMessage:
        return self.members[0]


def collapse(held: Iterable[HeldMessage]) -> list[Release]:
    groups: dict[tuple[int, str], list[HeldMessage]] = {}
    for message in held:
        groups.setdefault((message.school_id, message.recipient.strip().lower()), []).append(
            message
        )
    return [Release(tuple(members)) for members in groups.values()]
