"""The KPI worker on the real servers: figures after a scripted funnel, the same figures from
duplicated and shuffled deliveries, and days placed in the school's time zone."""

from __future__ import annotations

import random
import statistics
from datetime import date
from decimal import Decimal

from tests.support.kpi import invoice_event, new_school_id, school_created, submitted, utc
from tests.support.kpi_funnel import (
    APPROVED,
    AUTOPAY,
    CONVERTED,
    DAY_1,
    DAY_2,
    DAY_3,
    INFO_REQUESTED,
    PAID,
    REJECTED,
    REVIEWED,
    SOURCES,
    scripted_funnel,
)
from tests.support.waiting import wait_until


def test_figures_after_a_scripted_funnel_equal_the_arithmetic(make_kpi_worker, kpi_tables):
    funnel = scripted_funnel(new_school_id())
    worker = make_kpi_worker()
    worker.publish(*funnel.events)
    worker.start().wait_until_settled()

    marketing = kpi_tables.marketing(funnel.school_id)
    revenue = kpi_tables.revenue(funnel.school_id)
    decided = [*APPROVED, *REJECTED]
    hours = [
        (funnel.decided_at[r] - funnel.submitted_at[r]).total_seconds() / 3600 for r in decided
    ]
    assert marketing[DAY_1] == {
        "leads": len(SOURCES),
        "reviews_started": len(REVIEWED),
        "info_requests": 0,
        "approvals": 0,
        "rejections": 0,
        "enrollments": 0,
        "withdrawals": 0,
        "median_hours_to_decision": None,
    }
    assert marketing[DAY_2] == {
        "leads": 0,
        "reviews_started": 0,
        "info_requests": len(INFO_REQUESTED),
        "approvals": len(APPROVED),
        "rejections": len(REJECTED),
        "enrollments": 0,
        "withdrawals": 0,
        "median_hours_to_decision": Decimal(str(round(statistics.median(hours), 2))),
    }
    assert marketing[DAY_3]["enrollments"] == len(CONVERTED)
    assert kpi_tables.sources(funnel.school_id)[DAY_1] == {"web": 6, "fair": 3, "unspecified": 1}
    unpaid = [r for r in APPROVED if r not in PAID]
    assert revenue[DAY_2] == {
        "currency": "USD",
        "invoiced_minor": sum(funnel.amounts[r] for r in APPROVED),
        "collected_minor": 0,
        "outstanding_minor": sum(funnel.amounts[r] for r in unpaid),
        "autopay_enrollments": len(AUTOPAY),
    }
    assert revenue[DAY_3]["collected_minor"] == sum(funnel.amounts[r] for r in PAID)


def test_duplicated_and_shuffled_deliveries_give_the_same_figures(make_kpi_worker, kpi_tables):
    in_order, scrambled = scripted_funnel(new_school_id()), scripted_funnel(new_school_id())
    deliveries = scrambled.events + random.Random(7).sample(scrambled.events, 25)
    random.Random(11).shuffle(deliveries)
    worker = make_kpi_worker()
    worker.publish(*in_order.events, *deliveries)
    worker.start().wait_until_settled()

    assert kpi_tables.rows(scrambled.school_id) == kpi_tables.rows(in_order.school_id)
    assert kpi_tables.ledger_entries(scrambled.school_id) == kpi_tables.ledger_entries(
        in_order.school_id
    )


def test_events_arriving_one_transaction_each_give_the_same_figures_as_batches(
    make_kpi_worker, kpi_tables
):
    batched, one_by_one = scripted_funnel(new_school_id()), scripted_funnel(new_school_id())
    batch_worker, single_worker = make_kpi_worker(), make_kpi_worker(BATCH_SIZE=1)
    batch_worker.publish(*batched.events)
    single_worker.publish(*one_by_one.events)
    batch_worker.start()
    single_worker.start()
    batch_worker.wait_until_settled()
    single_worker.wait_until_settled()

    assert kpi_tables.rows(one_by_one.school_id) == kpi_tables.rows(batched.school_id)


def test_a_day_boundary_is_placed_in_the_schools_time_zone(make_kpi_worker, kpi_tables):
    school_id = new_school_id()
    worker = make_kpi_worker()
    worker.publish(
        school_created(school_id, timezone_name="America/New_York"),
        submitted(school_id, 1, utc(2025, 11, 13, 4, 59, 59, 999999)),  # 23:59:59 on the 12th
        submitted(school_id, 2, utc(2025, 11, 13, 5, 0, 0)),  # 00:00 on the 13th
        invoice_event("invoice.issued", school_id, 1, 71, 5_000, utc(2025, 11, 13, 4, 59)),
    )
    worker.start().wait_until_settled()

    marketing = kpi_tables.marketing(school_id)
    assert {day: row["leads"] for day, row in marketing.items()} == {
        date(2025, 11, 12): 1,
        date(2025, 11, 13): 1,
    }
    assert list(kpi_tables.revenue(school_id)) == [date(2025, 11, 12)]


def test_events_of_a_school_not_known_yet_are_folded_once_its_school_event_arrives(
    make_kpi_worker, kpi_tables
):
    school_id = new_school_id()
    worker = make_kpi_worker(HANDLER_ATTEMPTS=10)
    worker.publish(submitted(school_id, 1, utc(2025, 11, 13, 12)))
    worker.start()
    wait_until(lambda: worker.count("retried") >= 1, what="the event to be retried")
    worker.publish(school_created(school_id, timezone_name="Europe/Paris"))
    worker.wait_until_settled()

    assert kpi_tables.marketing(school_id)[date(2025, 11, 13)]["leads"] == 1
