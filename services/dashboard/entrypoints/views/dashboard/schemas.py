"""What /api/dashboard reads and answers (also its OpenAPI description)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from dashboard.domain.periods import PRESETS
from dashboard.domain.rail import MAX_TARGET_HOURS, RailKind
from shared.api_fields import UtcDateTime


class DashboardQuerySchema(Schema):
    range = fields.String(
        validate=validate.OneOf(tuple(PRESETS)),
        metadata={
            "description": "the school's last 7, 30 or 90 local days, today included (default "
            "30d); not with from/to"
        },
    )
    first = fields.Date(data_key="from", metadata={"description": "first local day"})
    last = fields.Date(
        data_key="to",
        metadata={"description": "last local day, included; at most 366 days, not after today"},
    )


class PeriodSchema(Schema):
    first = fields.Date(data_key="from")
    last = fields.Date(data_key="to")


class RangeSchema(PeriodSchema):
    key = fields.String(
        allow_none=True, metadata={"description": "7d, 30d, 90d, or null for chosen dates"}
    )
    days = fields.Integer()
    timezone = fields.String(metadata={"description": "the school's; days are its local days"})
    previous = fields.Nested(PeriodSchema, metadata={"description": "what tiles compare with"})


class TileSchema(Schema):
    key = fields.String()
    label = fields.String()
    unit = fields.String(
        metadata={"description": "count, ratio (0.25 = 25 %), hours, or minor_units of `currency`"}
    )
    value = fields.Raw(allow_none=True)
    previous = fields.Raw(allow_none=True, metadata={"description": "the previous period's"})
    change = fields.Raw(allow_none=True, metadata={"description": "value - previous"})
    change_ratio = fields.Float(
        allow_none=True,
        metadata={"description": "change / previous (0.25 = 25 % more); null when previous is 0"},
    )
    stale = fields.Boolean(
        metadata={"description": "the KPI service did not answer in time: an older answer, or null"}
    )
    currency = fields.String(allow_none=True)


class TrendDaySchema(Schema):
    day = fields.Date()
    leads = fields.Integer()
    enrollments = fields.Integer()


class TrendsSchema(Schema):
    days = fields.List(fields.Nested(TrendDaySchema), allow_none=True)
    stale = fields.Boolean()


class RailItemSchema(Schema):
    kind = fields.String(metadata={"description": ", ".join(kind.value for kind in RailKind)})
    registration_id = fields.Integer()
    title = fields.String()
    since = UtcDateTime(
        metadata={"description": "when it started waiting (an invoice: when it fell due)"}
    )
    href = fields.String(metadata={"description": "the registration in the registrar workspace"})


class TargetsSchema(Schema):
    lead_wait_hours = fields.Integer(required=True, validate=validate.Range(1, MAX_TARGET_HOURS))
    needs_info_wait_hours = fields.Integer(
        required=True, validate=validate.Range(1, MAX_TARGET_HOURS)
    )
    approved_wait_hours = fields.Integer(
        required=True, validate=validate.Range(1, MAX_TARGET_HOURS)
    )


class SettingsSchema(TargetsSchema):
    customised = fields.Boolean(
        dump_only=True, metadata={"description": "false while the school uses the defaults"}
    )


class SchoolSchema(Schema):
    id = fields.Integer()
    name = fields.String(allow_none=True)
    timezone = fields.String()
    currency = fields.String()


class DashboardSchema(Schema):
    school = fields.Nested(SchoolSchema)
    range = fields.Nested(RangeSchema)
    tiles = fields.List(fields.Nested(TileSchema))
    trends = fields.Nested(TrendsSchema)
    action_rail = fields.List(fields.Nested(RailItemSchema))
    action_counts = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={
            "description": "how many of each kind there are in all (the rail lists the oldest)"
        },
    )
    targets = fields.Nested(TargetsSchema)
    stale = fields.List(
        fields.String(),
        metadata={"description": "figures that are not fresh: tile keys, trends, held_messages"},
    )
    figures_as_of = UtcDateTime(
        allow_none=True, metadata={"description": "when the oldest stale figure shown was fetched"}
    )
    generated_at = UtcDateTime()
