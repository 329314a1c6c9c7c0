"""The notifier over HTTP (/api/messages): the token's school's messages held back (quiet
hours), newest first, read into plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.events import MalformedEvent, parse_timestamp
from shared.service_client import ServiceUnavailable, get_json


@dataclass(frozen=True)
class HeldMessage:
    registration_id: int
    template_key: str | None
    created_at: datetime


class NotifierClient:
    def __init__(self, notifier_url: str, timeout_seconds: float):
        self._url, self._timeout = notifier_url, timeout_seconds

    def held_messages(self, token: str, limit: int) -> list[HeldMessage]:
        """Held messages that belong to a registration (at most `limit` looked at)."""
        answer = get_json(
            self._url,
            "/api/messages",
            token=token,
            timeout=self._timeout,
            query={"status": "held", "limit": limit},
        )
        try:
            return [
                HeldMessage(
                    int(message["registration_id"]),
                    message.get("template"),
                    parse_timestamp(message["created_at"]),
                )
                for message in answer["messages"]
                if message.get("registration_id")
            ]
        except (KeyError, TypeError, ValueError, MalformedEvent) as exc:
            raise ServiceUnavailable(f"/api/messages answer not understood: {exc!r}") from None
