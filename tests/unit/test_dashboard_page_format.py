"""How the page writes figures, ages and links, and the trends chart's geometry."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from dashboard.domain.tiles import Tile
from dashboard.entrypoints.links import Links
from dashboard.entrypoints.pages import page_format
from dashboard.entrypoints.pages.trend_chart import nice_ceiling, trend_chart

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


def tile(unit, value, previous=None, change=None, ratio=None, currency=None):
    return Tile("k", "K", unit, value, previous, change, ratio, False, currency)


def test_money_is_written_in_the_currencys_major_unit():
    assert page_format.money(123456, "USD") == "USD 1,234.56"
    assert page_format.money(5000, "JPY") == "JPY 5,000"
    assert page_format.money(1500, "KWD") == "KWD 1.500"


def test_tile_values_by_unit():
    assert page_format.tile_value(tile("count", 1234)) == "1,234"
    assert page_format.tile_value(tile("ratio", 0.1234)) == "12.3 %"
    assert page_format.tile_value(tile("hours", 36.25)) == "36.2 h"
    assert page_format.tile_value(tile("count", None)) == "—"


def test_changes_say_their_sign_in_words_and_numbers():
    assert page_format.tile_change(tile("count", 15, 12, 3, 0.25)) == "+3 (+25.0 %)"
    assert page_format.tile_change(tile("count", 9, 12, -3, -0.25)) == "−3 (−25.0 %)"
    assert page_format.tile_change(tile("ratio", 0.3, 0.25, 0.05, 0.2)) == "+5.0 points"
    assert page_format.tile_change(tile("count", 4, 0, 4, None)) == "+4"
    assert page_format.tile_change(tile("count", 4, 4, 0, 0.0)) == "no change"
    assert page_format.tile_change(tile("count", 4)) == ""


def test_an_age_is_said_in_its_largest_whole_unit():
    assert page_format.age(NOW - timedelta(days=3, hours=5), NOW) == "3 days"
    assert page_format.age(NOW - timedelta(hours=1, minutes=5), NOW) == "1 hour"
    assert page_format.age(NOW - timedelta(seconds=20), NOW) == "less than a minute"


def test_nice_ceilings():
    assert [nice_ceiling(n) for n in (0, 1, 3, 7, 11, 180, 999)] == [1, 1, 5, 10, 20, 200, 1000]


def test_the_chart_spans_the_plot_and_summarises_each_line():
    days = [date(2026, 11, 1) + timedelta(days=n) for n in range(3)]
    chart = trend_chart(
        days, {"leads": ("Leads", [2, 8, 4]), "enrollments": ("Enrollments", [0, 0, 0])}
    )

    leads = chart.lines[0]
    xs = [float(point.split(",")[0]) for point in leads.points.split()]
    assert xs[0] == chart.plot_left and xs[-1] == chart.plot_right
    assert [tick.label for tick in chart.y_ticks] == ["0", "5", "10"]
    assert chart.summary == "Leads: 14 in all, most on 2 Nov 2026 (8). Enrollments: none."


def test_links_are_paths_behind_the_gateway():
    links = Links.for_request(True, "http://127.0.0.1:8001", "http://127.0.0.1:8080/")

    assert links.registration(42) == "/admin/registrar?registration=42"
    assert links.sign_in() == "/login?next=%2Fadmin%2Fdashboard"


def test_links_point_at_the_workspace_when_each_service_has_its_port():
    links = Links.for_request(False, "http://127.0.0.1:8001/", "http://127.0.0.1:8002/")

    assert links.registration(42) == "http://127.0.0.1:8001/admin/registrar?registration=42"
    assert links.sign_in("/admin/dashboard?range=7d") == (
        "http://127.0.0.1:8001/login?next=http%3A%2F%2F127.0.0.1%3A8002%2Fadmin%2Fdashboard"
        "%3Frange%3D7d"
    )
