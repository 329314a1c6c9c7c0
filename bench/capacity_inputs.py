"""What the capacity model is computed from: the benchmarks' JSON kept in docs/capacity/, read
into workloads (a rate and the cores each component used for it) and latency series (p50/p95
per district size). Which figure of which run stands for which work is said here, once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from bench.capacity_model import Growth, Workload

INPUTS = Path(__file__).resolve().parent.parent / "docs" / "capacity"

# A worker whose benchmark does not report its CPU is taken to use one whole core: a Python
# worker is one process and cannot use more, so its rate per core is at least this (safe side).
ONE_PROCESS_CORES = 1.0
# The benchmarks' CPU groups, as the components they are.
GROUP_COMPONENTS = {
    "registrar": "registrar API",
    "dashboard": "dashboard API",
    "kpi": "KPI API",
    "notifier": "notifier API",
    "relays": "outbox relay",
    "mariadbd": "MySQL primary",
    "rabbitmq": "RabbitMQ",
}
# A cold dashboard view's reads that must stay on the primary: three token checks (the
# dashboard, the KPI service and the notifier each ask the registrar: shared.remote_auth never
# reuses an accepted answer) and the notifier's held messages, each costed as a token check.
PRIMARY_READS_PER_DASHBOARD_VIEW = 4
# The lead-queue kinds measured at each size, as bench/lead_queue.py names them.
LEAD_QUEUE_KINDS = (
    "first_page",
    "deep_page",
    "status_filtered_first_page",
    "status_filtered_deep_page",
    "last_activity_first_page",
    "stage_counts",
)
DASHBOARD_API_KINDS = (
    "warm_kpi_cache_30d",
    "warm_kpi_cache_90d",
    "cold_kpi_cache_30d",
    "cold_kpi_cache_90d",
)
# The dashboard view the model counts: every view asks the KPI service and the notifier again
# (a school's staff look less often than the 30 s the answers are kept).
DASHBOARD_VIEW_KINDS = ("cold_kpi_cache_30d", "cold_kpi_cache_90d")
_RUN_NAME = re.compile(r"(?P<bench>[a-z_]+)-(?P<size>[0-9.]+[km]?)\.json")


@dataclass(frozen=True)
class Latencies:
    """p50/p95 (ms) of each measured kind at one district size, and how busy the shared
    machine was (its load average at the start, its busy cores while the reads were timed)."""

    registrations: int
    p50: dict[str, float]
    p95: dict[str, float]
    load_average: float | None = None
    machine_busy: float | None = None


@dataclass(frozen=True)
class Inputs:
    runs: dict[str, dict]  # file name -> its JSON
    machine: dict
    lead_queue: list[Latencies]  # ascending size
    dashboard: list[Latencies]

    def largest(self, bench: str) -> dict:
        sized = [(size_of(run), run) for name, run in self.runs.items() if bench_of(name) == bench]
        return max(sized, key=lambda pair: pair[0])[1]


def bench_of(name: str) -> str:
    match = _RUN_NAME.fullmatch(name)
    return match["bench"] if match else name.removesuffix(".json")


def size_of(run: dict) -> int:
    return run.get("registrations") or run.get("params", {}).get("registrations") or 0


def read_inputs(directory: Path = INPUTS) -> Inputs:
    runs = {
        path.name: json.loads(path.read_text())
        for path in sorted(directory.glob("*.json"))
        if path.name != "machine.json"
    }
    machine_file = directory / "machine.json"
    machine = json.loads(machine_file.read_text()) if machine_file.exists() else {}
    return Inputs(
        runs=runs,
        machine=machine,
        lead_queue=latency_series(runs, "lead_queue", lead_queue_latencies),
        dashboard=latency_series(runs, "dashboard", dashboard_latencies),
    )


def latency_series(runs: dict[str, dict], bench: str, read) -> list[Latencies]:
    series = [read(run) for name, run in runs.items() if bench_of(name) == bench]
    return sorted(series, key=lambda latencies: latencies.registrations)


def lead_queue_latencies(run: dict) -> Latencies:
    queue = run["lead_queue"]
    kinds = {kind: queue[kind] for kind in LEAD_QUEUE_KINDS if queue.get(kind)}
    kinds |= {f"search_{kind}": figures for kind, figures in queue["search"].items()}
    kinds["status_change"] = run["status_changes"]["latency"]
    return Latencies(
        run["registrations"],
        {kind: figures["p50_ms"] for kind, figures in kinds.items()},
        {kind: figures["p95_ms"] for kind, figures in kinds.items()},
        run["server"]["load_average_1m"],
        queue["cpu"]["machine_cores_busy"],
    )


def dashboard_latencies(run: dict) -> Latencies:
    kinds = {kind: run["api_dashboard"][kind] for kind in DASHBOARD_API_KINDS}
    kinds |= {f"page_{kind}": figures for kind, figures in run["page"].items()}
    kinds |= run["behind_the_dashboard"]
    return Latencies(
        run["params"]["registrations"],
        {kind: figures["p50_ms"] for kind, figures in kinds.items()},
        {kind: figures["p95_ms"] for kind, figures in kinds.items()},
        run["server"]["load_average_1m"],
        run["cpu"]["api_dashboard_cold"]["machine_cores_busy"],
    )


def summed_growth(series: list[Latencies], kinds: tuple[str, ...] | None = None) -> Growth | None:
    """Growth of the summed p50 of `kinds` (all when None) from the two largest sizes: the
    time one request of each kind takes together, so the slower kinds weigh more."""
    if len(series) < 2:
        return None
    small, large = series[-2], series[-1]
    names = kinds or tuple(large.p50)
    return Growth(
        small.registrations,
        sum(small.p50[name] for name in names),
        large.registrations,
        sum(large.p50[name] for name in names),
    )


# -- workloads: a rate, and the cores each component used for it -----------------------------


def components(cores_used: dict[str, float]) -> dict[str, float]:
    return {
        GROUP_COMPONENTS[group]: used
        for group, used in cores_used.items()
        if group in GROUP_COMPONENTS
    }


def workloads(inputs: Inputs) -> dict[str, Workload]:
    lead_queue = inputs.largest("lead_queue")
    dashboard = inputs.largest("dashboard")
    outbox = inputs.largest("outbox")
    status = status_change(lead_queue)
    token = token_check(inputs.largest("token_check"))
    listed = [
        submission(status),
        status,
        lead_queue_read(lead_queue),
        dashboard_view(dashboard, token),
        token,
        relayed_event(outbox),
        queued_delivery(outbox),
        notifier_message(inputs.largest("notifier")),
        kpi_event(inputs.largest("kpi")),
        dashboard_event(inputs.largest("dashboard_worker")),
        smtp_message(inputs.largest("notifier")),
    ]
    return {workload.name: workload for workload in listed}


def status_change(run: dict) -> Workload:
    changes = run["status_changes"]
    return Workload(
        "status change",
        "requests",
        changes["achieved_per_second"],
        components(changes["cpu"]["cores_used"]),
        f"lead_queue at {run['registrations']:,}: status changes offered at "
        f"{changes['offered_per_second']:g}/s",
        machine_busy=changes["cpu"]["machine_cores_busy"],
    )


def submission(status: Workload) -> Workload:
    return Workload(
        "submission",
        "requests",
        status.rate,
        status.cores,
        status.source,
        {
            "all": "costed as a status change: both are one registrar request that writes a "
            "row and its outbox event in one transaction; the form's POST is not benchmarked"
        },
        machine_busy=status.machine_busy,
    )


def lead_queue_read(run: dict) -> Workload:
    queue = run["lead_queue"]
    return Workload(
        "lead-queue read",
        "requests",
        queue["requests"] / queue["cpu"]["wall_seconds"],
        components(queue["cpu"]["cores_used"]),
        f"lead_queue at {run['registrations']:,}: pages, searches and stage counts of the "
        f"busiest school, one client",
        machine_busy=queue["cpu"]["machine_cores_busy"],
    )


def token_check(run: dict) -> Workload:
    checks = run["verify_api_token"]
    return Workload(
        "token check",
        "requests",
        checks["calls"] / checks["cpu"]["wall_seconds"],
        components(checks["cpu"]["cores_used"]),
        "token_check: GET /api/auth/me for an API token, one client",
        machine_busy=checks["cpu"]["machine_cores_busy"],
    )


def dashboard_view(run: dict, token: Workload) -> Workload:
    """A cold view; its database reads go to the replicas but for the primary's share."""
    block = run["cpu"]["api_dashboard_cold"]
    rate = block["requests"] / block["wall_seconds"]
    cores = components(block["cores_used"])
    on_primary = min(
        cores.get("MySQL primary", 0.0),
        rate * PRIMARY_READS_PER_DASHBOARD_VIEW * token.cost("MySQL primary"),
    )
    cores["MySQL replicas"] = cores.pop("MySQL primary", 0.0) - on_primary
    cores["MySQL primary"] = on_primary
    return Workload(
        "dashboard view",
        "requests",
        rate,
        cores,
        f"dashboard at {run['params']['registrations']:,}: /api/dashboard with the KPI answers "
        "asked again each time (cold), one client",
        {
            "MySQL primary": f"{PRIMARY_READS_PER_DASHBOARD_VIEW} reads costed as token checks "
            "stay on the primary, the rest goes to the replicas"
        },
        machine_busy=block["machine_cores_busy"],
    )


def relayed_event(run: dict) -> Workload:
    step = one_relay_step(run)
    used = components(step["cpu"]["cores_used"])
    used.pop("RabbitMQ", None)  # counted per delivery (queued delivery)
    return Workload(
        "relayed event",
        "events",
        step["drain_per_s"],
        used,
        f"outbox: a backlog of {step['events']:,} drained by one relay",
        machine_busy=step["cpu"]["machine_cores_busy"],
    )


def queued_delivery(run: dict) -> Workload:
    step = one_relay_step(run)
    return Workload(
        "queued delivery",
        "messages",
        step["drain_per_s"],
        {"RabbitMQ": step["cpu"]["cores_used"]["rabbitmq"]},
        "outbox: the same drain, RabbitMQ's CPU for each event published and delivered to one "
        "quorum queue",
        machine_busy=step["cpu"]["machine_cores_busy"],
    )


def one_relay_step(run: dict) -> dict:
    return next(step for step in run["relay_scaling"]["steps"] if step["relays"] == 1)


def notifier_message(run: dict) -> Workload:
    one_worker = run["events_to_mail"]["one_worker"]
    workload = worker_workload(
        "notifier message",
        "notifier worker",
        "messages",
        one_worker["per_s"],
        run["cpus"],
        f"notifier: a backlog of {one_worker['messages']:,} receipts, event to SMTP accept, "
        "one worker",
        one_worker,
    )
    whole_path = (
        "a receipt's whole path, event to SMTP accept; the 08:00 wave is only sent, so it is "
        "costed on the safe side"
    )
    return replace(workload, assumed={"rate": whole_path, **workload.assumed})


def kpi_event(run: dict) -> Workload:
    fold = run["fold"]["one_worker"]
    return worker_workload(
        "KPI event",
        "KPI worker",
        "events",
        fold["events_per_second"],
        run["server"]["cpus"],
        f"kpi: {fold['mode']}",
        fold,
    )


def dashboard_event(run: dict) -> Workload:
    fold = run["fold"]["one_worker"]
    return worker_workload(
        "dashboard event",
        "dashboard worker",
        "events",
        fold["events_per_second"],
        run["server"]["cpus"],
        f"dashboard_worker: {fold['mode']}",
        fold,
    )


def worker_workload(
    name: str, worker: str, unit: str, rate: float, cpus: int, source: str, figures: dict
) -> Workload:
    """A worker's rate with its measured cores, or (its benchmark not reporting them) one core
    for the worker and at most the machine's other cores for mariadbd: a bound from the run."""
    measured = figures.get("cpu", {}).get("cores_used", {})
    if measured.get("worker"):
        cores = {worker: measured["worker"], "MySQL primary": measured.get("mariadbd", 0.0)}
        return Workload(name, unit, rate, cores, source)
    cores = {worker: ONE_PROCESS_CORES, "MySQL primary": cpus - ONE_PROCESS_CORES}
    return Workload(
        name,
        unit,
        rate,
        cores,
        source,
        {
            worker: "CPU not reported by its benchmark: one whole core (a single process)",
            "MySQL primary": f"not reported: at most the machine's {cpus} cores less the "
            "worker's, an upper bound",
        },
    )


def smtp_message(run: dict) -> Workload:
    baseline = run["baseline_smtplib_one_connection"]
    return Workload(
        "SMTP message",
        "messages",
        baseline["per_s"],
        {"SMTP sending": 1.0},
        "notifier: smtplib sending the same receipts on one connection (the baseline)",
        {"SMTP sending": "per connection, to the local SMTP sink: a real relay is slower"},
    )
