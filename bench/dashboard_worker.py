"""Dashboard worker benchmark: events folded per second by one dashboard worker, with the CPU
it took, as JSON.

What it measures, on this machine with the real MariaDB and RabbitMQ:
  * a queue filled beforehand with a district's funnel events (the KPI benchmark's: school
    events, submissions, reviews, decisions, invoices, payments, conversions, every
    registration and invoice event carrying its school's snapshot, as the registrar's outbox
    writes them) is folded by one dashboard worker in its batch mode (DashboardConsumer's
    BATCH_SIZE) and, as the baseline in the same run, one message per transaction (the base
    consumer's default);
  * beside each rate, the CPU the worker (this process, which runs it), mariadbd and RabbitMQ
    used while it folded (bench/cpu.py), so the capacity model divides the rate by the cores
    it took instead of assuming a whole core.
The load average before and after is printed beside them.

    .venv/bin/python -m bench.dashboard_worker [--quick] > result.json
"""

from __future__ import annotations

import argparse
import json
import os
import random

from bench.fold_rate import fold_rate
from bench.harness import bench_settings
from bench.kpi import district_events
from bench.server_facts import server_facts
from dashboard.config import DashboardConfig
from dashboard.entrypoints.consumer import DashboardConsumer
from shared import db, migrations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    args = parser.parse_args()
    registrations = 1_000 if args.quick else 20_000
    baseline_registrations = 300 if args.quick else 2_000
    schools = 10 if args.quick else 100
    settings = bench_settings()
    rng = random.Random(20261203)
    result: dict = {
        "quick": args.quick,
        "registrations": registrations,
        "server": server_facts(settings),
        "load_average_before": round(os.getloadavg()[0], 2),
    }
    migrations.apply_all(settings, services=("dashboard",))
    try:
        batched = fold_rate(
            settings,
            DashboardConsumer,
            district_events(schools, registrations, rng),
            DashboardConsumer.BATCH_SIZE,
            DashboardConfig(),
        )
        baseline = fold_rate(
            settings,
            DashboardConsumer,
            district_events(schools, baseline_registrations, rng),
            1,
            DashboardConfig(),
        )
    finally:
        db.drop_database(settings, "dashboard")
    result["load_average_after"] = round(os.getloadavg()[0], 2)
    result["fold"] = {
        "one_worker": batched,
        "baseline": baseline,
        "speed_up": round(batched["events_per_second"] / baseline["events_per_second"], 1),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
