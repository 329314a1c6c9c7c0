"""Delivery rules: how long to wait before trying a message again, and when to stop trying."""

from __future__ import annotations

from datetime import timedelta

from shared.backoff import backoff_delay


def retry_delay(attempt: int, first: timedelta, cap: timedelta) -> timedelta:
    """The wait after failed attempt number `attempt` (1-based): doubling from first to cap."""
    return backoff_delay(attempt, first, cap)


def is_permanent_reply(code: int | None) -> bool:
    """An SMTP reply the same message will always get (5xx); 4xx means try later."""
    return code is not None and 500 <= code < 600


def out_of_attempts(attempt: int, limit: int) -> bool:
    return attempt >= limit
