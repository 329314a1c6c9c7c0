"""Dashboard migrations that carry data: 0003 totals each status from its daily changes."""

from __future__ import annotations

import pytest

from shared import db, migrations
from tests.support.migrations import migrated_up_to_before

DASHBOARD = ("dashboard",)


@pytest.fixture
def dashboard_without_status_totals(settings):
    with migrated_up_to_before(settings, "dashboard", "0003_status_totals") as own:
        yield own


def test_0003_totals_each_schools_statuses_from_their_daily_changes(
    dashboard_without_status_totals,
):
    connection = db.connect(dashboard_without_status_totals, "dashboard")
    try:
        with db.transaction(connection) as cursor:
            cursor.executemany(
                "INSERT INTO t_dashboard_status_daily (school_id, status, day, net_change) "
                "VALUES (%s, %s, %s, %s)",
                [
                    (1, "pending", "2025-11-12", 3),
                    (1, "pending", "2025-11-13", -1),
                    (1, "in_review", "2025-11-13", 1),
                    (2, "pending", "2025-11-13", 4),
                ],
            )

        migrations.apply_all(dashboard_without_status_totals, DASHBOARD)

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT school_id, status, registrations "
                "FROM t_dashboard_status_total ORDER BY school_id, status"
            )
            rows = [tuple(row.values()) for row in cursor.fetchall()]
    finally:
        connection.close()
    assert rows == [(1, "in_review", 1), (1, "pending", 2), (2, "pending", 4)]
