"""A KPI batch that spans several schools and holds events twice: each event counts once, and
the figures (decision times included) are those of one event per transaction. A batch asks
for every school's keys in one statement, so schools must not bleed into each other."""

from __future__ import annotations

import random

from tests.support.kpi import new_school_id
from tests.support.kpi_funnel import scripted_funnel


def test_a_batch_holding_each_event_twice_counts_every_event_once(make_kpi_worker, kpi_tables):
    once, twice = scripted_funnel(new_school_id()), scripted_funnel(new_school_id())
    # Every event twice, the copies side by side, so both copies land in one batch.
    doubled = [event for event in twice.events for _copy in (1, 2)]
    worker = make_kpi_worker(BATCH_SIZE=500)
    worker.publish(*once.events, *doubled)
    worker.start().wait_until_settled()

    assert kpi_tables.rows(twice.school_id) == kpi_tables.rows(once.school_id)
    assert kpi_tables.ledger_entries(twice.school_id) == kpi_tables.ledger_entries(once.school_id)
    assert worker.count("duplicate") == len(twice.events)


def test_one_batch_over_many_schools_gives_each_school_its_own_figures(make_kpi_worker, kpi_tables):
    mixed = [scripted_funnel(new_school_id()) for _school in range(4)]
    alone = scripted_funnel(new_school_id())
    events = [event for funnel in mixed for event in funnel.events]
    # Schools first (a school's events wait for it otherwise), the rest interleaved.
    schools = [event for event in events if event.event_type == "school.created"]
    rest = [event for event in events if event.event_type != "school.created"]
    random.Random(5).shuffle(rest)
    batch_worker, single_worker = make_kpi_worker(BATCH_SIZE=500), make_kpi_worker(BATCH_SIZE=1)
    batch_worker.publish(*schools, *rest)
    single_worker.publish(*alone.events)
    batch_worker.start()
    single_worker.start()
    batch_worker.wait_until_settled()
    single_worker.wait_until_settled()

    expected = kpi_tables.rows(alone.school_id)
    for funnel in mixed:
        assert kpi_tables.rows(funnel.school_id) == expected
