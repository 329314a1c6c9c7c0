"""The clock staff invitations are made and checked against: the system's, or the one a test
gives create_app (test_config EDQUILL_INVITATION_CLOCK), so expiry is tested without waiting
three days."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app


def invitation_now() -> datetime:
    clock = current_app.config.get("EDQUILL_INVITATION_CLOCK")
    return clock() if clock else datetime.now(timezone.utc)
