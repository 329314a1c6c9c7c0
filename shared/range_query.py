"""The `from` / `to` query of every endpoint that answers for a range of a school's local days
(KPI series and summaries, the registrar's daily report): both dates required, ISO 8601,
`to` not before `from`, at most MAX_RANGE_DAYS days. Faults come back as 422 naming the field.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validates_schema

from shared.local_days import BadRange, DayRange, day_range


class DayRangeQuerySchema(Schema):
    first = fields.Date(
        required=True, data_key="from", metadata={"description": "first local day, e.g. 2025-11-01"}
    )
    last = fields.Date(
        required=True, data_key="to", metadata={"description": "last local day, included"}
    )

    @validates_schema
    def _range_is_servable(self, data, **_kwargs):
        if "first" in data and "last" in data:
            try:
                day_range(data["first"], data["last"])
            except BadRange as exc:
                raise ValidationError(str(exc), field_name=exc.field) from None

    @post_load
    def _as_range(self, data, **_kwargs) -> DayRange:
        return day_range(data["first"], data["last"])
