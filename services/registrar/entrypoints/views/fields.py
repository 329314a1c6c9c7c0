"""Marshmallow fields the registrar's schemas share."""

from __future__ import annotations

from datetime import date, datetime, timezone

from marshmallow import ValidationError, fields


class Text(fields.String):
    """Text with surrounding blanks trimmed. A blank value is missing: an error when the field
    is required, None when it is optional (before validators, which never see None)."""

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if isinstance(value, str) and not value.strip():
            if self.required or not self.allow_none:
                raise ValidationError("Must not be blank.")
            return None
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


def not_in_future(value: date | datetime) -> None:
    today = datetime.now(timezone.utc).date()
    if (value.date() if isinstance(value, datetime) else value) > today:
        raise ValidationError("Must not be in the future.")
