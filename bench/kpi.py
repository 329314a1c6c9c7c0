"""KPI benchmark: events folded per second by one worker, and daily-aggregate's time for a day
of a 1,000,000-registration district, as JSON.

What it measures, on this machine with the real MariaDB and RabbitMQ:
  * fold rate: a queue filled beforehand with a district's funnel events (submissions,
    reviews, decisions, invoices, payments, conversions) is folded by one KPI worker, in its
    batch mode and, as the baseline in the same run, one message per transaction
    (BATCH_SIZE = 1, the base consumer's default). Every registration and invoice event
    carries its school's snapshot, as the registrar's outbox writes them (bench/fold_rate.py,
    with the cores the worker, mariadbd and RabbitMQ used). Target: >= 3,000 events/s for one
    worker. The machine's load before and after is printed beside it.
  * rebuild: a ledger for a district of --registrations registrations spread over a year of
    --schools schools is generated in bulk (no events), with --peak-share of the
    registrations submitted on one open-enrolment day; that day is rebuilt for every school,
    in process and as `edquill kpi daily-aggregate --date` (what cron runs). Target: < 5 s.

    .venv/bin/python -m bench.kpi [--quick] > result.json

--quick runs everything at a small size (a smoke run); the full size is for a quiet machine.
--fold-only skips the rebuild (its ledger of a million registrations takes minutes to write).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import time
import uuid
from datetime import date, datetime, timedelta, timezone

from bench.fold_rate import fold_rate
from bench.harness import EDQUILL, bench_settings, env_for
from bench.server_facts import server_facts
from kpi.adapters import school_store
from kpi.entrypoints.consumer import KpiConsumer
from kpi.service_layer.rebuild import days_to_rebuild, rebuild
from shared import db, migrations
from shared.config import Settings
from shared.events import Event, format_timestamp

TIMEZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
# Rows per INSERT when generating the ledger: large statements, well under max_allowed_packet.
INSERT_CHUNK = 5_000
# Events a second one worker folds, at the least.
TARGET_EVENTS_PER_SECOND = 3_000
FIRST_DAY = date(2025, 1, 1)
YEAR_DAYS = 365


# -- fold rate --------------------------------------------------------------------------------


def district_events(schools: int, registrations: int, rng: random.Random) -> list[Event]:
    """The schools, then each registration's funnel: about 4.6 events per registration, each
    carrying its school's snapshot as the registrar's outbox writes it."""
    events = [
        Event.new("school.created", school, school, _school(school), aggregate_type="school")
        for school in range(1, schools + 1)
    ]
    start = datetime(2025, 11, 10, 14, tzinfo=timezone.utc)
    for registration in range(1, registrations + 1):
        school = rng.randint(1, schools)
        at = start + timedelta(minutes=rng.randint(0, 3 * 24 * 60))
        events.append(
            Event.new(
                "selfreg.submitted",
                school,
                registration,
                {
                    "registration_id": registration,
                    "status": "pending",
                    "source": rng.choice(("web", "fair", "referral", None)),
                    "submitted_at": format_timestamp(at),
                    **_snapshot(school),
                },
                occurred_at=at,
            )
        )
        events.append(_status(school, registration, "pending", "in_review", at, hours=2))
        decision = "approved" if rng.random() < 0.7 else "rejected"
        events.append(_status(school, registration, "in_review", decision, at, hours=30))
        if decision == "approved":
            amount = rng.choice((12_000, 18_000, 24_000))
            events.append(_invoice("invoice.issued", school, registration, amount, at, hours=30))
            if rng.random() < 0.8:
                events.append(_invoice("invoice.paid", school, registration, amount, at, hours=50))
    return events


def _school(school: int) -> dict:
    return {
        "school_id": school,
        "name": f"School {school}",
        "slug": f"s{school}",
        "timezone": TIMEZONES[school % len(TIMEZONES)],
        "currency": "USD",
    }


def _snapshot(school: int) -> dict:
    """What the registrar's outbox adds to every registration and invoice event."""
    return {"school": {k: v for k, v in _school(school).items() if k != "school_id"}}


def _status(school, registration, from_status, to_status, at, hours) -> Event:
    return Event.new(
        "selfreg.status.updated",
        school,
        registration,
        {
            "registration_id": registration,
            "from_status": from_status,
            "to_status": to_status,
            **_snapshot(school),
        },
        occurred_at=at + timedelta(hours=hours),
    )


def _invoice(event_type, school, registration, amount, at, hours) -> Event:
    return Event.new(
        event_type,
        school,
        registration,
        {
            "registration_id": registration,
            "invoice_id": registration,
            "amount_minor": amount,
            "currency": "USD",
            **_snapshot(school),
        },
        occurred_at=at + timedelta(hours=hours),
    )


# -- rebuild ----------------------------------------------------------------------------------


def generate_ledger(
    settings: Settings,
    schools: int,
    registrations: int,
    peak_day: date,
    peak_share: float,
    rng: random.Random,
) -> int:
    """Ledger rows of a district in bulk (no events); returns how many."""
    connection = db.connect(settings, "kpi")
    rows, written = [], 0
    with connection.cursor() as cursor:
        for school in range(1, schools + 1):
            cursor.execute(
                "INSERT IGNORE INTO t_kpi_school (school_id, name, slug, timezone, currency, "
                "changed_at) VALUES (%s, %s, %s, 'UTC', 'USD', UTC_TIMESTAMP(6))",
                (school, f"School {school}", f"s{school}"),
            )
        for registration in range(1, registrations + 1):
            rows += _registration_rows(
                registration,
                rng.randint(1, schools),
                rng,
                peak_day
                if rng.random() < peak_share
                else FIRST_DAY + timedelta(days=rng.randrange(YEAR_DAYS)),
            )
            if len(rows) >= INSERT_CHUNK:
                written += _insert(cursor, rows)
                rows = []
        written += _insert(cursor, rows)
    connection.close()
    return written


def _registration_rows(
    registration: int, school: int, rng: random.Random, day: date
) -> list[tuple]:
    at = datetime.combine(day, datetime.min.time()) + timedelta(
        seconds=rng.randrange(9 * 3600, 17 * 3600)
    )
    row = lambda kind, hours=0, **extra: (  # noqa: E731
        str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        school,
        (at + timedelta(hours=hours)).date(),
        kind,
        at + timedelta(hours=hours),
        registration,
        extra.get("invoice"),
        extra.get("source"),
        extra.get("amount"),
        extra.get("currency"),
        # the time to decision the fold stores on a decision's row (its lead came first)
        hours * 3_600_000_000 if kind in ("approval", "rejection") else None,
    )
    rows = [
        row("lead", source=rng.choice(("web", "fair", "referral", "unspecified"))),
        row("review", 2),
    ]
    if rng.random() < 0.7:
        amount = rng.choice((12_000, 18_000, 24_000))
        rows += [
            row("approval", 5),
            row("invoiced", 5, invoice=registration, amount=amount, currency="USD"),
        ]
        if rng.random() < 0.3:
            rows.append(row("autopay", 7, invoice=registration, currency="USD"))
        if rng.random() < 0.8:
            rows.append(row("collected", 30, invoice=registration, amount=amount, currency="USD"))
        if rng.random() < 0.6:
            rows.append(row("enrollment", 48))
    else:
        rows.append(row("rejection", 5))
    return rows


def _insert(cursor, rows: list[tuple]) -> int:
    if rows:
        cursor.executemany(
            "INSERT INTO t_kpi_event_ledger (event_id, school_id, day, kind, occurred_at, "
            "registration_id, invoice_id, source, amount_minor, currency, decision_us) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
    return len(rows)


def rebuild_day_of_district(settings: Settings, peak_day: date) -> dict:
    connection = db.connect(settings, "kpi")
    with connection.cursor() as cursor:
        schools = school_store.all_schools(cursor)
        cursor.execute("SELECT COUNT(*) AS n FROM t_kpi_event_ledger WHERE day = %s", (peak_day,))
        day_rows = cursor.fetchone()["n"]
    report = rebuild(connection, days_to_rebuild(schools, peak_day, datetime.now(timezone.utc)))
    connection.close()
    started = time.perf_counter()
    cli = subprocess.run(
        [EDQUILL, "kpi", "daily-aggregate", "--date", peak_day.isoformat()],
        env=env_for(settings),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    cli_seconds = time.perf_counter() - started
    if cli.returncode != 0:
        raise RuntimeError(f"daily-aggregate failed: {cli.stderr}")
    return {
        "schools": len(schools),
        "ledger_rows_on_the_day": day_rows,
        "seconds_in_process": round(report.seconds, 3),
        "seconds_edquill_kpi_daily_aggregate": round(cli_seconds, 3),
    }


# -- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--fold-only", action="store_true", help="measure the fold rate only")
    parser.add_argument("--registrations", type=int, help="district size for the rebuild")
    parser.add_argument("--schools", type=int, help="schools in the district")
    parser.add_argument(
        "--peak-share",
        type=float,
        default=0.1,
        help="share of the registrations submitted on the rebuilt day",
    )
    args = parser.parse_args()
    registrations = args.registrations or (10_000 if args.quick else 1_000_000)
    schools = args.schools or (10 if args.quick else 100)
    fold_registrations = 1_000 if args.quick else 20_000
    baseline_registrations = 300 if args.quick else 2_000
    settings = bench_settings()
    server = server_facts(settings)
    rng = random.Random(20251113)
    migrations.apply_all(settings, services=("kpi",))
    try:
        batched = fold_rate(
            settings,
            KpiConsumer,
            district_events(schools, fold_registrations, rng),
            KpiConsumer.BATCH_SIZE,
        )
        baseline = fold_rate(
            settings, KpiConsumer, district_events(schools, baseline_registrations, rng), 1
        )
        rebuilt = (
            None
            if args.fold_only
            else daily_aggregate(settings, schools, registrations, args.peak_share, rng)
        )
    finally:
        db.drop_database(settings, "kpi")
    result = {
        "quick": args.quick,
        "server": server,
        "load_average_after": round(os.getloadavg()[0], 2),
        "fold": {
            "one_worker": batched,
            "baseline": baseline,
            "speed_up": round(batched["events_per_second"] / baseline["events_per_second"], 1),
            "target_events_per_second": TARGET_EVENTS_PER_SECOND,
            "meets_target": batched["events_per_second"] >= TARGET_EVENTS_PER_SECOND,
        },
    }
    if rebuilt is not None:
        result["daily_aggregate"] = rebuilt
    print(json.dumps(result, indent=2))


def daily_aggregate(
    settings: Settings, schools: int, registrations: int, peak_share: float, rng: random.Random
) -> dict:
    """daily-aggregate's time for the peak day of a generated district ledger."""
    peak_day = FIRST_DAY + timedelta(days=200)
    generated_started = time.perf_counter()
    ledger_rows = generate_ledger(settings, schools, registrations, peak_day, peak_share, rng)
    generated = time.perf_counter() - generated_started
    rebuilt = rebuild_day_of_district(settings, peak_day)
    return {
        "district_registrations": registrations,
        "peak_share": peak_share,
        "ledger_rows": ledger_rows,
        "ledger_generated_seconds": round(generated, 1),
        **rebuilt,
        "target_seconds": 5,
        "meets_target": rebuilt["seconds_in_process"] < 5,
    }


if __name__ == "__main__":
    main()
