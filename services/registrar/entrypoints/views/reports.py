"""The registrar's own daily counts (/api/admin/reports/daily): for each local day of the
token's school, what the registrar's tables say happened. The KPI service's `kpi reconcile`
compares its figures with these.

Counted from the registrar's records, not from events: submissions from
student_self_registrations.submitted_at; status changes (in_review, needs_info, approved,
rejected, converted, withdrawn) from t_audit_log; invoices issued and paid from
invoices.issued_at and paid_at (outstanding: the day's issued invoices not paid yet); autopay
from autopay_mandates. Each table is counted per UTC quarter hour in SQL, and quarter hours
are placed on the school's local days in Python (shared.local_days), exactly as the KPI
service places events.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from registrar.adapters.schools_store import school_by_id
from registrar.entrypoints.access import current_principal, requires
from shared.errors import NotFound
from shared.local_days import QUARTER_HOUR_ANCHOR, DayRange, quarter_hour_day, utc_window, zone
from shared.range_query import DayRangeQuerySchema
from shared.read_replica import lag_tolerant
from shared.registration_status import Status
from shared.web import lag_tolerant_read

blp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/admin/reports",
    description="The registrar's own counts per local day (for reconciliation).",
)

FIGURES = (
    "leads",
    "reviews_started",
    "info_requests",
    "approvals",
    "rejections",
    "enrollments",
    "withdrawals",
    "invoices",
    "invoiced_minor",
    "collected_minor",
    "outstanding_minor",
    "autopay_enrollments",
)
# Audit entries of a status change -> the figure they count for.
_STATUS_FIGURES = {
    Status.IN_REVIEW: "reviews_started",
    Status.NEEDS_INFO: "info_requests",
    Status.APPROVED: "approvals",
    Status.REJECTED: "rejections",
    Status.CONVERTED: "enrollments",
    Status.WITHDRAWN: "withdrawals",
}


class ReportDaySchema(Schema):
    day = fields.Date()
    leads = fields.Integer()
    reviews_started = fields.Integer()
    info_requests = fields.Integer()
    approvals = fields.Integer()
    rejections = fields.Integer()
    enrollments = fields.Integer()
    withdrawals = fields.Integer()
    invoices = fields.Integer()
    invoiced_minor = fields.Integer()
    collected_minor = fields.Integer()
    outstanding_minor = fields.Integer()
    autopay_enrollments = fields.Integer()


class DailyReportSchema(Schema):
    school_id = fields.Integer()
    timezone = fields.String()
    currency = fields.String()
    first = fields.Date(data_key="from")
    last = fields.Date(data_key="to")
    days = fields.List(fields.Nested(ReportDaySchema))


@blp.route("/daily", methods=["GET"])
@requires("viewer")
@blp.arguments(DayRangeQuerySchema, location="query")
@blp.response(200, DailyReportSchema)
def daily(days: DayRange):
    """Every local day from `from` to `to` (at most 366) with the registrar's counts."""
    return lag_tolerant_read("registrar", daily_report, current_principal().school_id, days)


@lag_tolerant
def daily_report(connection, school_id: int, days: DayRange) -> dict:
    """A school's counts per local day: a reconciliation a few seconds behind is as good."""
    school = school_by_id(connection, school_id)
    if school is None:
        raise NotFound("school")
    with connection.cursor() as cursor:
        counts = daily_counts(cursor, school.id, school.timezone, days)
    return {
        "school_id": school.id,
        "timezone": school.timezone,
        "currency": school.currency,
        "first": days.first,
        "last": days.last,
        "days": [{"day": day, **counts[day]} for day in days.days],
    }


# -- what the tables say ------------------------------------------------------------------


def _quarter(column: str) -> str:
    # Column names come from the statements below, never from input.
    return f"TIMESTAMPDIFF(MINUTE, %s, {column}) DIV 15"


_STATEMENTS = {
    "leads": (
        f"SELECT {_quarter('submitted_at')} AS quarter, COUNT(*) AS leads "
        "FROM student_self_registrations WHERE school_id = %s AND submitted_at >= %s "
        "AND submitted_at < %s GROUP BY quarter"
    ),
    "statuses": (
        f"SELECT {_quarter('created_at')} AS quarter, new_value, COUNT(*) AS changes "
        "FROM t_audit_log WHERE school_id = %s AND created_at >= %s "
        "AND created_at < %s AND entity_type = 'registration' "
        "AND action = 'status_changed' GROUP BY quarter, new_value"
    ),
    "issued": (
        f"SELECT {_quarter('issued_at')} AS quarter, COUNT(*) AS invoices, "
        "SUM(amount_minor) AS invoiced_minor, "
        "SUM(IF(status = 'paid', 0, amount_minor)) AS outstanding_minor "
        "FROM invoices WHERE school_id = %s AND issued_at >= %s AND issued_at < %s "
        "GROUP BY quarter"
    ),
    "paid": (
        f"SELECT {_quarter('paid_at')} AS quarter, SUM(amount_minor) AS collected_minor "
        "FROM invoices WHERE school_id = %s AND paid_at >= %s AND paid_at < %s "
        "AND status = 'paid' GROUP BY quarter"
    ),
    "autopay": (
        f"SELECT {_quarter('accepted_at')} AS quarter, "
        "COUNT(*) AS autopay_enrollments FROM autopay_mandates "
        "WHERE school_id = %s AND accepted_at >= %s AND accepted_at < %s "
        "GROUP BY quarter"
    ),
}


def daily_counts(
    cursor, school_id: int, timezone_name: str, days: DayRange
) -> dict[date, dict[str, int]]:
    tz = zone(timezone_name)
    start, end = (moment.replace(tzinfo=None) for moment in utc_window(days.first, days.last, tz))
    anchor = QUARTER_HOUR_ANCHOR.replace(tzinfo=None)
    counts: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for name, statement in _STATEMENTS.items():
        cursor.execute(statement, (anchor, school_id, start, end))
        for row in cursor.fetchall():
            day = quarter_hour_day(row.pop("quarter"), tz)
            if name == "statuses":
                figure = _STATUS_FIGURES.get(row["new_value"])
                if figure:
                    counts[day][figure] += int(row["changes"])
                continue
            for figure, value in row.items():
                counts[day][figure] += int(value or 0)
    return counts
