"""Marshmallow fields every service's API schemas share."""

from __future__ import annotations

from datetime import timezone

from marshmallow import fields

from shared.events import format_timestamp


class UtcDateTime(fields.DateTime):
    """A time as ISO 8601 in UTC with a Z, as in the event envelope. A naive time is a
    database time, UTC already."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return format_timestamp(
            value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
        )
