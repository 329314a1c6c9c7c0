"""What went wrong with an event: a publish that failed, a named event that is not dead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from outbox_relay.domain.ordering import OutboxRow
from shared.errors import Conflict


@dataclass(frozen=True)
class Failure:
    row: OutboxRow
    error: str


class NotDead(Conflict):
    """Named events that are not dead (unknown, waiting, held or already settled)."""

    code = "not_dead"

    def __init__(self, event_ids: Sequence[str]):
        super().__init__(
            "not dead events: " + ", ".join(event_ids), details={"event_ids": list(event_ids)}
        )
        self.event_ids = list(event_ids)
