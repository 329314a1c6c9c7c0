"""KPI migrations that carry data: 0005 fills each day's decision times from the ledger."""

from __future__ import annotations

import uuid

import pytest

from kpi.adapters.daily_figures_store import unpack_durations
from shared import db, migrations
from tests.support.migrations import migrated_up_to_before

KPI = ("kpi",)


@pytest.fixture
def kpi_without_decision_times(settings):
    with migrated_up_to_before(settings, "kpi", "0005_decision_times_daily") as own:
        yield own


def ledger_row(school_id: int, day: str, kind: str, decision_us: int | None) -> tuple:
    return (str(uuid.uuid4()), school_id, day, kind, f"{day} 12:00:00", 1, decision_us)


def test_0005_fills_each_days_decision_times_from_the_ledger_in_order(kpi_without_decision_times):
    connection = db.connect(kpi_without_decision_times, "kpi")
    try:
        with db.transaction(connection) as cursor:
            cursor.executemany(
                "INSERT INTO t_kpi_event_ledger (event_id, school_id, day, kind, occurred_at, "
                "registration_id, decision_us) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    ledger_row(1, "2025-11-13", "approval", 7_000),
                    ledger_row(1, "2025-11-13", "rejection", -5),
                    ledger_row(1, "2025-11-13", "approval", 300),
                    # Not timed (its submission is not in the ledger), and not a decision.
                    ledger_row(1, "2025-11-13", "approval", None),
                    ledger_row(1, "2025-11-13", "lead", None),
                    ledger_row(1, "2025-11-14", "rejection", 42),
                    ledger_row(2, "2025-11-13", "approval", 9),
                ],
            )

        migrations.apply_all(kpi_without_decision_times, KPI)

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT school_id, day, durations_us FROM t_kpi_decision_times_daily "
                "ORDER BY school_id, day"
            )
            rows = [
                (
                    row["school_id"],
                    row["day"].isoformat(),
                    list(unpack_durations(row["durations_us"])),
                )
                for row in cursor.fetchall()
            ]
    finally:
        connection.close()
    assert rows == [
        (1, "2025-11-13", [-5, 300, 7_000]),
        (1, "2025-11-14", [42]),
        (2, "2025-11-13", [9]),
    ]
