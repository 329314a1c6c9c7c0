"""What went wrong with an event: a publish that failed, a named event that is not dead; and
what stops the partitions changing (relays still running)."""

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


class RelaysStillRunning(Conflict):
    """The partition count changes only while no relay runs and no claim is open: a relay
    holding leases on the old numbering could publish one registration's events from two
    partitions at once, out of order."""

    code = "relays_running"

    def __init__(self, live_relays: int, open_claims: int):
        super().__init__(
            f"{live_relays} relays alive and {open_claims} claimed events unsettled: stop every "
            "relay (they settle or release their batch) and wait out the lease first",
            details={"live_relays": live_relays, "open_claims": open_claims},
        )
