"""The figures as the API shows them: the marshmallow schemas of /api/kpi, and the flat answer
(one object per day or range, zeros for no row) that they dump."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validates_schema

from kpi.domain.figures import COUNT_FIELDS, REVENUE_FIELDS, DayFigures, Summary, conversion_rate
from shared.local_days import BadRange, day_range
from shared.range_query import DayRangeQuerySchema


class _Figures(Schema):
    leads = fields.Integer()
    reviews_started = fields.Integer()
    info_requests = fields.Integer()
    approvals = fields.Integer()
    rejections = fields.Integer()
    enrollments = fields.Integer()
    withdrawals = fields.Integer(metadata={"description": "registrations the family withdrew"})
    conversion_rate = fields.Float(
        allow_none=True,
        metadata={
            "description": "enrollments / leads of the same days (0.25 = 25 %); null without leads"
        },
    )
    median_hours_to_decision = fields.Float(
        allow_none=True,
        metadata={"description": "median hours from submission to approval or rejection"},
    )
    invoiced_minor = fields.Integer()
    collected_minor = fields.Integer()
    outstanding_minor = fields.Integer(
        metadata={"description": "still unpaid of the invoices issued on these days"}
    )
    autopay_enrollments = fields.Integer()
    leads_by_source = fields.Dict(keys=fields.String(), values=fields.Integer())


class DayFiguresSchema(_Figures):
    day = fields.Date()


class _ForSchool(Schema):
    school_id = fields.Integer()
    timezone = fields.String(metadata={"description": "the school's; days are its local days"})
    currency = fields.String(metadata={"description": "ISO 4217; amounts in its minor units"})
    first = fields.Date(data_key="from")
    last = fields.Date(data_key="to")


class DailySeriesSchema(_ForSchool):
    days = fields.List(fields.Nested(DayFiguresSchema))


class SummarySchema(_ForSchool, _Figures):
    pass


class _RangeFigures(_Figures):
    first = fields.Date(data_key="from")
    last = fields.Date(data_key="to")


class _TrendDay(Schema):
    day = fields.Date()
    leads = fields.Integer()
    enrollments = fields.Integer()


class PeriodOverviewSchema(_ForSchool):
    summary = fields.Nested(_RangeFigures, metadata={"description": "from..to added up"})
    previous = fields.Nested(
        _RangeFigures,
        metadata={"description": "the same number of days just before `from`, added up"},
    )
    trend = fields.List(
        fields.Nested(_TrendDay),
        metadata={"description": "every day of the range: its leads and enrollments"},
    )


class ComparedRangeQuerySchema(DayRangeQuerySchema):
    """A range whose previous period (as long, just before it) is a range of dates too."""

    @validates_schema
    def _previous_is_servable(self, data, **_kwargs):
        if "first" in data and "last" in data:
            try:
                day_range(data["first"], data["last"]).previous()
            except BadRange as exc:
                raise ValidationError(str(exc), field_name=exc.field) from None


def day_answer(figures: DayFigures) -> dict:
    answer: dict = {
        "day": figures.day,
        **dict.fromkeys(COUNT_FIELDS, 0),
        **dict.fromkeys(REVENUE_FIELDS, 0),
        "median_hours_to_decision": None,
    }
    if figures.marketing is not None:
        answer.update(
            {name: getattr(figures.marketing, name) for name in COUNT_FIELDS},
            median_hours_to_decision=figures.marketing.median_hours_to_decision,
        )
    if figures.revenue is not None:
        answer.update({name: getattr(figures.revenue, name) for name in REVENUE_FIELDS})
    answer["conversion_rate"] = conversion_rate(answer["leads"], answer["enrollments"])
    answer["leads_by_source"] = dict(figures.leads_by_source)
    return answer


def summary_answer(summary: Summary) -> dict:
    return {
        **summary.counts,
        **summary.revenue,
        "leads_by_source": summary.leads_by_source,
        "conversion_rate": summary.conversion_rate,
        "median_hours_to_decision": summary.median_hours_to_decision,
    }
