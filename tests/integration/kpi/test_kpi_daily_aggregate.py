"""`edquill kpi daily-aggregate`: a day rebuilt from the ledger comes out identical to what the
worker folded incrementally, repairs lost rows, and loses nothing folded meanwhile."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timezone

from kpi.service_layer.rebuild import rebuild_day
from shared import db
from shared.local_days import yesterday, zone
from tests.support.kpi import new_school_id, school_created, submitted, utc
from tests.support.kpi_funnel import DAY_1, DAY_2, DAY_3, scripted_funnel
from tests.support.processes import run_edquill
from tests.support.waiting import wait_until


def daily_aggregate(settings, *args: str):
    result = run_edquill(settings, "kpi", "daily-aggregate", *args)
    assert result.returncode == 0, result.stderr
    return result


def folded_funnel(make_kpi_worker):
    funnel = scripted_funnel(new_school_id())
    worker = make_kpi_worker()
    worker.publish(*funnel.events)
    worker.start().wait_until_settled()
    return funnel


def test_daily_aggregate_rebuilds_a_day_to_identical_rows(settings, make_kpi_worker, kpi_tables):
    funnel = folded_funnel(make_kpi_worker)
    incremental = kpi_tables.rows(funnel.school_id)

    for day in (DAY_1, DAY_2, DAY_3):
        daily_aggregate(settings, "--date", day.isoformat(), "--school-id", str(funnel.school_id))

    assert kpi_tables.rows(funnel.school_id) == incremental
    assert all(
        incremental[table] for table in ("marketing", "revenue", "sources", "decision_times")
    )


def test_daily_aggregate_restores_a_day_whose_rows_were_lost_or_damaged(
    settings, make_kpi_worker, kpi_tables
):
    funnel = folded_funnel(make_kpi_worker)
    incremental = kpi_tables.rows(funnel.school_id)
    for table in (
        "t_marketing_kpi_daily",
        "t_marketing_kpi_source_daily",
        "t_revenue_daily",
        "t_kpi_decision_times_daily",
    ):
        kpi_tables.execute(
            f"DELETE FROM {table} WHERE school_id = %s AND day = %s", (funnel.school_id, DAY_2)
        )
    kpi_tables.execute(
        "UPDATE t_marketing_kpi_daily SET leads = 999 WHERE school_id = %s", (funnel.school_id,)
    )

    for day in (DAY_1, DAY_2, DAY_3):
        daily_aggregate(settings, "--date", day.isoformat(), "--school-id", str(funnel.school_id))

    assert kpi_tables.rows(funnel.school_id) == incremental


def test_daily_aggregate_without_a_date_rebuilds_the_schools_own_yesterday(
    settings, make_kpi_worker, kpi_tables
):
    school_id = new_school_id()
    tz = zone("Pacific/Auckland")
    their_yesterday = yesterday(datetime.now(timezone.utc), tz)
    noon = datetime.combine(their_yesterday, time(12), tzinfo=tz).astimezone(timezone.utc)
    worker = make_kpi_worker()
    worker.publish(
        school_created(school_id, timezone_name="Pacific/Auckland"), submitted(school_id, 1, noon)
    )
    worker.start().wait_until_settled()
    kpi_tables.execute("DELETE FROM t_marketing_kpi_daily WHERE school_id = %s", (school_id,))

    result = daily_aggregate(settings, "--school-id", str(school_id))

    assert f"school={school_id} day={their_yesterday.isoformat()} leads=1" in result.stdout
    assert kpi_tables.marketing(school_id)[their_yesterday]["leads"] == 1
    assert result.stdout.strip().splitlines()[-1].startswith("rebuilt 1 school-days in ")


def test_daily_aggregate_for_a_school_it_does_not_know_fails_with_one_line(settings):
    result = run_edquill(settings, "kpi", "daily-aggregate", "--school-id", "4242424242")

    assert result.returncode != 0
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith("unknown school 4242424242: no school event for it has reached the KPI service")
    )


def test_a_rebuild_running_while_the_worker_folds_the_same_day_loses_no_event(
    settings, make_kpi_worker, kpi_tables
):
    school_id, day = new_school_id(), date(2025, 11, 13)
    worker = make_kpi_worker(BATCH_SIZE=5)  # many commits, each a chance to race a rebuild
    worker.publish(
        school_created(school_id),
        *(
            submitted(school_id, n, utc(2025, 11, 13, 9, n % 60), f"s{n % 3}")
            for n in range(1, 1501)
        ),
    )
    stop = threading.Event()
    rebuilds = []

    def rebuild_again_and_again():
        connection = db.connect(settings, "kpi")
        try:
            while not stop.is_set():
                rebuilds.append(rebuild_day(connection, school_id, day))
        finally:
            connection.close()

    rebuilder = threading.Thread(target=rebuild_again_and_again)
    rebuilder.start()
    try:
        worker.start()
        # Stop rebuilding while the worker is still folding: no later rebuild may hide a loss.
        wait_until(
            lambda: kpi_tables.ledger_entries(school_id) >= 1000,
            timeout=60,
            what="two thirds of the events to be folded",
        )
    finally:
        stop.set()
        rebuilder.join(30)
    worker.wait_until_settled(timeout=60)

    assert len(rebuilds) > 1
    assert kpi_tables.marketing(school_id)[day]["leads"] == 1500
    assert sum(kpi_tables.sources(school_id)[day].values()) == 1500
