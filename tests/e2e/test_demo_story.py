"""`edquill demo seed` tells a true story: once `edquill up` has carried the seeded history to
every consumer, the dashboard, the KPI figures and the mail agree with the registrar's tables,
and the history is spread over weeks rather than piled on the day it was seeded."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from shared import db
from tests.support.demo_system import SeededDemo, own_settings
from tests.support.processes import run_edquill

pytestmark = pytest.mark.slow

# Enrolments of the 8-week history fall on many days, none holding a large share of them.
AT_LEAST_ENROLMENT_DAYS = 15
AT_MOST_ONE_DAYS_SHARE = 0.15
# Days of the history whose KPI rows the nightly rebuild must leave as the consumer left them.
REBUILT_DAYS = (3, 10, 20, 35)


@pytest.fixture(scope="module")
def demo(settings, tmp_path_factory):
    seeded = SeededDemo(own_settings(settings, "story"), tmp_path_factory.mktemp("story"))
    yield seeded
    seeded.stop()


@pytest.fixture(scope="module")
def school(demo):
    return demo.school("demo")


@pytest.fixture(scope="module")
def token(demo, school):
    return demo.token(school["id"])


def _scalar(demo, service, sql, *params):
    connection = db.connect(demo.settings, service)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return next(iter(cursor.fetchone().values()))
    finally:
        connection.close()


def _rows(demo, service, sql, *params):
    connection = db.connect(demo.settings, service)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
    finally:
        connection.close()


def _tiles(answer: dict) -> dict:
    return {tile["key"]: tile["value"] for tile in answer["tiles"]}


def _whole_history(school) -> str:
    """A query covering every day of the demo's history, up to the school's today."""
    today = datetime.now(ZoneInfo(school["timezone"])).date()
    return f"?from={today - timedelta(days=89)}&to={today}"


def test_every_dashboard_tile_of_the_month_has_a_value(demo, token):
    tiles = _tiles(demo.dashboard(token))

    assert all(tiles.values()), tiles


def test_invoiced_is_the_sum_of_the_registrars_invoices(demo, school, token):
    invoiced = _scalar(
        demo,
        "registrar",
        "SELECT SUM(amount_minor) FROM invoices WHERE school_id = %s AND issued_at IS NOT NULL",
        school["id"],
    )

    assert _tiles(demo.dashboard(token, _whole_history(school)))["invoiced_minor"] == invoiced > 0


def test_collected_is_the_sum_of_the_recorded_payments(demo, school, token):
    collected = _scalar(
        demo,
        "registrar",
        "SELECT SUM(amount_minor) FROM payments WHERE school_id = %s",
        school["id"],
    )

    assert _tiles(demo.dashboard(token, _whole_history(school)))["collected_minor"] == collected > 0


def test_waiting_on_families_is_every_unanswered_request_and_all_are_on_the_rail(
    demo, school, token
):
    answer = demo.dashboard(token)
    asked = _scalar(
        demo,
        "registrar",
        "SELECT COUNT(*) FROM student_self_registrations WHERE school_id = %s "
        "AND status = 'needs_info'",
        school["id"],
    )

    assert (
        _tiles(answer)["waiting_on_family"]
        == answer["action_counts"]["needs_info_unanswered"]
        == asked
        > 0
    )


def test_enrolments_are_spread_over_the_weeks_with_none_today(demo, school):
    per_day = {
        row["day"]: row["enrollments"]
        for row in _rows(
            demo,
            "kpi",
            "SELECT day, enrollments FROM t_marketing_kpi_daily WHERE school_id = %s "
            "AND enrollments > 0",
            school["id"],
        )
    }
    converted = _scalar(
        demo,
        "registrar",
        "SELECT COUNT(*) FROM student_self_registrations WHERE school_id = %s "
        "AND status = 'converted'",
        school["id"],
    )
    today = datetime.now(ZoneInfo(school["timezone"])).date()

    assert sum(per_day.values()) == converted
    assert len(per_day) >= AT_LEAST_ENROLMENT_DAYS
    assert max(per_day.values()) <= AT_MOST_ONE_DAYS_SHARE * converted
    assert today not in per_day


def test_the_nightly_rebuild_of_past_days_changes_none_of_the_figures(demo, school):
    today = datetime.now(ZoneInfo(school["timezone"])).date()
    days = [today - timedelta(days=ago) for ago in REBUILT_DAYS]

    def figures():
        return {
            table: _rows(
                demo,
                "kpi",
                f"SELECT * FROM {table} WHERE school_id = %s AND day IN (%s, %s, %s, %s) "
                "ORDER BY day",
                school["id"],
                *days,
            )
            for table in ("t_marketing_kpi_daily", "t_revenue_daily")
        }

    def without_timestamps(tables):
        return {
            table: [{k: v for k, v in row.items() if not k.endswith("_at")} for row in rows]
            for table, rows in tables.items()
        }

    folded = figures()
    for day in days:
        done = run_edquill(
            demo.settings,
            "kpi",
            "daily-aggregate",
            "--date",
            day.isoformat(),
            "--school-id",
            str(school["id"]),
        )
        assert done.returncode == 0, done.stderr

    assert folded["t_marketing_kpi_daily"], "no KPI rows for past days"
    assert without_timestamps(figures()) == without_timestamps(folded)


def test_the_message_log_holds_every_kind_of_mail_the_history_causes(demo):
    kinds = Counter(
        row["template_key"]
        for row in _rows(demo, "notifier", "SELECT template_key FROM t_message_log")
    )

    assert {"needs_info", "approved", "receipt", "welcome"} <= set(kinds), kinds
    assert {"needs_info_reminder", "invoice_reminder"} & set(kinds), kinds


def test_the_events_are_dated_in_the_past_weeks(demo, school):
    oldest, newest = _rows(
        demo,
        "registrar",
        "SELECT MIN(created_at) AS oldest, MAX(created_at) AS newest FROM t_event_outbox "
        "WHERE school_id = %s",
        school["id"],
    )[0].values()
    now = datetime.now(timezone.utc).replace(tzinfo=None)

    assert now - oldest > timedelta(weeks=7)
    assert newest < now
