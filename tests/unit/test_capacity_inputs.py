"""Which benchmark figure stands for which work (bench.capacity_inputs): rates and the cores
each component used, with what stands in where a benchmark does not measure it."""

from __future__ import annotations

import pytest

from bench.capacity_inputs import (
    Latencies,
    dashboard_view,
    relayed_event,
    summed_growth,
    worker_workload,
)
from bench.capacity_model import Workload


def cpu(wall: float = 10.0, **cores_used: float) -> dict:
    return {"wall_seconds": wall, "cores_used": cores_used, "machine_cores_busy": 1.5}


def test_a_worker_whose_benchmark_reports_no_cpu_takes_one_core_and_mariadbd_the_rest():
    work = worker_workload("KPI event", "KPI worker", "events", 2000.0, 2, "kpi", {})

    assert work.cores == {"KPI worker": 1.0, "MySQL primary": 1.0}
    assert work.per_core("KPI worker") == 2000.0
    assert "KPI worker" in work.assumed and "MySQL primary" in work.assumed


def test_a_worker_whose_benchmark_reports_its_cpu_is_taken_at_its_word():
    figures = {"cpu": cpu(worker=0.5, mariadbd=0.25)}

    work = worker_workload("KPI event", "KPI worker", "events", 2000.0, 2, "kpi", figures)

    assert work.cores == {"KPI worker": 0.5, "MySQL primary": 0.25}
    assert work.assumed == {}


def test_a_dashboard_views_reads_go_to_the_replicas_but_its_token_checks():
    token = Workload("token check", "requests", 100.0, {"MySQL primary": 0.1}, "")
    run = {
        "params": {"registrations": 1_000_000},
        "cpu": {
            "api_dashboard_cold": {
                "requests": 100,
                **cpu(wall=10.0, dashboard=0.3, mariadbd=0.5),
            }
        },
    }

    view = dashboard_view(run, token)

    # 10 views/s x 4 primary reads x 1 ms of mariadbd per token check = 0.04 cores
    assert view.cores["MySQL primary"] == pytest.approx(0.04)
    assert view.cores["MySQL replicas"] == pytest.approx(0.46)
    assert view.cores["dashboard API"] == 0.3


def test_a_relayed_event_is_costed_from_the_one_relay_drain_without_the_broker():
    run = {
        "relay_scaling": {
            "steps": [
                {"relays": n, "events": 1000, "drain_per_s": 1000.0 * n, "cpu": cpu(**used)}
                for n, used in (
                    (1, {"relays": 0.5, "mariadbd": 0.2, "rabbitmq": 0.3}),
                    (2, {"relays": 0.9, "mariadbd": 0.4, "rabbitmq": 0.5}),
                )
            ]
        }
    }

    work = relayed_event(run)

    assert work.rate == 1000.0
    assert work.cores == {"outbox relay": 0.5, "MySQL primary": 0.2}


def test_growth_is_taken_between_the_two_largest_sizes_over_the_summed_p50():
    series = [
        Latencies(100_000, {"a": 1.0, "b": 1.0}, {}),
        Latencies(1_000_000, {"a": 2.0, "b": 2.0}, {}),
        Latencies(3_000_000, {"a": 3.0, "b": 5.0}, {}),
    ]

    growth = summed_growth(series, ("a", "b"))

    assert (growth.small_size, growth.large_size) == (1_000_000, 3_000_000)
    assert growth.factor == pytest.approx(2.0)


def test_one_size_gives_no_growth():
    assert summed_growth([Latencies(1_000_000, {"a": 1.0}, {})]) is None
