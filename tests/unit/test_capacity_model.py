"""The capacity model's arithmetic (bench.capacity_model): loads from the assumptions, cores
from measured costs, what saturates first, and latency carried on at its measured growth."""

from __future__ import annotations

import pytest

from bench import capacity_model
from bench.capacity_model import (
    COMPONENTS,
    Growth,
    Need,
    Workload,
    cores_needed,
    first_to_saturate,
    held_reminders,
    opening_hour_rates,
    reminder_wave_rates,
)


def component(name: str):
    return next(candidate for candidate in COMPONENTS if candidate.name == name)


def test_opening_hour_submissions_are_the_hours_share_of_a_years_submissions():
    yearly = capacity_model.DISTRICT_REGISTRATIONS / capacity_model.YEARS_HELD
    share = capacity_model.OPENING_DAY_SHARE_OF_YEAR * capacity_model.OPENING_HOUR_SHARE_OF_DAY

    assert opening_hour_rates()["submission"] == pytest.approx(yearly * share / 3600)


def test_every_event_of_the_opening_hour_is_relayed_once_and_delivered_to_each_queue():
    rates = opening_hour_rates()
    events = rates["submission"] + rates["status change"]

    assert rates["relayed event"] == pytest.approx(events)
    assert rates["queued delivery"] == pytest.approx(events * capacity_model.QUEUES_PER_EVENT)


def test_the_reminder_wave_sends_the_nights_held_reminders_within_its_window():
    opening_day = (
        capacity_model.DISTRICT_REGISTRATIONS
        / capacity_model.YEARS_HELD
        * capacity_model.OPENING_DAY_SHARE_OF_YEAR
    )
    held = (
        opening_day
        * capacity_model.REMINDERS_PER_OPENING_DAY_SUBMISSION
        * capacity_model.QUIET_HOURS_SHARE_OF_DAY
    )

    assert held_reminders() == pytest.approx(held)
    assert reminder_wave_rates()["SMTP message"] == pytest.approx(
        held / capacity_model.WAVE_SEND_SECONDS
    )


def test_a_rate_per_core_is_the_rate_over_the_cores_it_took():
    work = Workload("relayed event", "events", 3000.0, {"outbox relay": 0.75}, "a run")

    assert work.per_core("outbox relay") == pytest.approx(4000.0)
    assert work.cost("outbox relay") == pytest.approx(0.25 / 1000)
    assert work.per_core("RabbitMQ") is None


def test_cores_needed_sum_each_works_cost_for_a_component():
    workloads = {
        "status change": Workload("status change", "requests", 100.0, {"MySQL primary": 0.5}, ""),
        "relayed event": Workload(
            "relayed event", "events", 1000.0, {"MySQL primary": 0.5, "outbox relay": 1.0}, ""
        ),
    }

    needed = cores_needed({"status change": 200.0, "relayed event": 500.0}, workloads)

    assert needed == pytest.approx({"MySQL primary": 1.0 + 0.25, "outbox relay": 0.5})


def test_a_larger_table_scales_only_the_named_components_cost():
    work = Workload("lead-queue read", "requests", 50.0, {"registrar API": 0.2, "x": 0.1}, "")

    scaled = work.scaled(3.0, ("registrar API",))

    assert scaled.cores == pytest.approx({"registrar API": 0.6, "x": 0.1})
    assert scaled.rate == 50.0


def test_units_needed_round_up_to_whole_units_of_the_component():
    relay = component("outbox relay")

    assert Need(relay, 2.1).units == 3
    assert Need(relay, 0.2).units == 1
    assert Need(relay, 0.0).units == 0


def test_an_order_bound_consumer_past_one_worker_is_beyond_its_limit():
    notifier = component("notifier worker")

    assert not Need(notifier, 0.9).beyond_limit
    assert Need(notifier, 1.5).beyond_limit


def test_the_first_to_saturate_uses_the_largest_share_of_what_is_shipped():
    cores = {"outbox relay": 1.0, "notifier worker": 0.8, "MySQL primary": 4.0}

    first = first_to_saturate(cores)

    assert first.component.name == "notifier worker"  # 0.8 of 1 core, the relays 1.0 of 2
    assert first.shipped_use == pytest.approx(0.8)


def test_linear_growth_is_an_exponent_of_one_and_carries_on_linearly():
    growth = Growth(1_000_000, 10.0, 3_000_000, 30.0)

    assert growth.factor == pytest.approx(3.0)
    assert growth.exponent == pytest.approx(1.0)
    assert growth.at(10_000_000) == pytest.approx(100.0)


def test_sublinear_growth_carries_on_at_its_own_exponent():
    growth = Growth(1_000_000, 10.0, 4_000_000, 20.0)  # size x4, latency x2: k = 0.5

    assert growth.exponent == pytest.approx(0.5)
    assert growth.at(16_000_000) == pytest.approx(40.0)


def test_a_measured_shrink_is_carried_on_flat_not_as_an_improvement():
    growth = Growth(1_000_000, 12.0, 3_000_000, 10.0)

    assert growth.at(10_000_000) == pytest.approx(10.0)


def test_web_instances_are_added_in_pairs():
    registrar = component("registrar API")

    assert Need(registrar, 0.5).units == 2
    assert Need(registrar, 4.5).units == 4  # 3 instances of 2 cores, rounded up to a pair
    assert Need(registrar, 8.5).units == 6
