from marshmallow import Schema, fields


class _Figures(Schema):
    leads = fields.Integer()
    reviews_started = fields.Integer()
    info_requests = fields.Integer()
    approvals = fields.Integer()
    rejections = fields.Integer()
    enrollments = fields.Integer()
    conversion_rate = fields.Float(allow_none=True, metadata={
        "description": "enrollments / leads of the same days (0.25 = 25 %); null without leads"})
    median_hours_to_decision = fields.Float(allow_none=True, metadata={
        "description": "median hours from submission to approval or rejection"})
    invoiced_minor = fields.Integer()
    collected_minor = fields.Integer()
    outstanding_minor = fields.Integer(metadata={
        "description": "still unpaid of the invoices issued on these days"})
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
