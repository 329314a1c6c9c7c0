"""docs/capacity.md, written from the benchmarks' JSON in docs/capacity/ through the model in
bench/capacity_model.py: nothing in it is typed by hand.

    .venv/bin/python -m bench.capacity                     # write docs/capacity.md
    .venv/bin/python -m bench.capacity --check             # exit 1 if it would write otherwise
    .venv/bin/python -m bench.capacity --add bench/results/lead_queue-3m.json  # keep a run
    .venv/bin/python -m bench.capacity --describe-machine  # docs/capacity/machine.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import sys
from pathlib import Path

from bench import capacity_inputs, capacity_model
from bench.capacity_inputs import (
    DASHBOARD_API_KINDS,
    DASHBOARD_VIEW_KINDS,
    INPUTS,
    LEAD_QUEUE_KINDS,
    Inputs,
    Latencies,
    read_inputs,
    summed_growth,
    workloads,
)
from bench.capacity_model import (
    DISTRICT_REGISTRATIONS,
    Growth,
    Need,
    Workload,
    cores_needed,
    held_reminders,
    needs,
    opening_hour_rates,
    reminder_wave_rates,
)
from bench.dashboard import TARGETS as DASHBOARD_TARGETS
from bench.lead_queue import TARGETS as LEAD_QUEUE_TARGETS

DOC = INPUTS.parent / "capacity.md"
# What a kept run leaves out: the run's database names say nothing (query plans are kept: they
# show which index each measured statement used).
STRIPPED_KEYS = ("db_prefix",)
# The server settings deploy/ gives a district (its buffer pool is compared with this one's).
DEPLOYED_MYSQL_SETTINGS = INPUTS.parent.parent / "deploy" / "mysql" / "edquill.cnf"
# The components whose cost per request grows with the tables (reads of a larger school).
READ_COMPONENTS = ("registrar API", "dashboard API", "KPI API", "MySQL primary", "MySQL replicas")


# -- numbers and tables ----------------------------------------------------------------------


def number(value: float | None) -> str:
    """Three significant figures, thousands separated: 1,230 / 45.6 / 0.0789."""
    if value is None:
        return "-"
    if value == 0:
        return "0"
    digits = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{round(value, digits):,.{digits}f}"


def size(registrations: int) -> str:
    return f"{registrations / 1e6:g}M" if registrations >= 1e6 else f"{registrations:,}"


def table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows] + [""]


# -- the assumptions, as the code states them ------------------------------------------------

_CONSTANT = re.compile(r"^(?P<name>[A-Z][A-Z0-9_]+) = (?P<value>.+)$")
_SECTION = re.compile(r"^# -- .* -+$")


def assumptions(module) -> list[tuple[str, str, str]]:
    """(name, value, why) of each module constant under a comment: the comment is the one
    statement of why, in the code and in the doc alike; the constants right below the first
    share its comment ("as above")."""
    found, comment, shared = [], [], False
    for line in Path(module.__file__).read_text().splitlines():
        if line.startswith("# ") and not _SECTION.match(line):
            comment, shared = ([] if shared else comment) + [line[2:]], False
            continue
        match = _CONSTANT.match(line)
        if match and comment and not match["value"].endswith(("(", "{")):
            why = "as above" if shared else " ".join(comment)
            found.append((match["name"], match["value"], why))
            shared = True
            continue
        comment, shared = [], False
    return found


# -- the document ----------------------------------------------------------------------------


def render(inputs: Inputs) -> str:
    measured = workloads(inputs)
    lead_growth = summed_growth(inputs.lead_queue, LEAD_QUEUE_KINDS)
    dashboard_growth = summed_growth(inputs.dashboard, DASHBOARD_VIEW_KINDS)
    at_district = district_workloads(measured, lead_growth, dashboard_growth)
    opening = cores_needed(opening_hour_rates(), at_district)
    wave = cores_needed(reminder_wave_rates(), at_district)
    sections = [
        header(inputs),
        summary(needs(opening), needs(wave)),
        machine(inputs),
        model_assumptions(),
        busiest_hours(),
        measured_table(measured),
        components_table(needs(opening), needs(wave), measured),
        growth_section(inputs, lead_growth, dashboard_growth),
        relay_scaling(inputs.largest("outbox")),
        runs_section(inputs),
    ]
    return "\n".join(line for section in sections for line in section).rstrip() + "\n"


def district_workloads(
    measured: dict[str, Workload], lead: Growth | None, dashboard: Growth | None
) -> dict[str, Workload]:
    """The reads' costs carried from the largest measured size to the district's, at the
    measured growth of their latency (their CPU per request grows as their time does)."""
    scaled = dict(measured)
    for name, growth in (("lead-queue read", lead), ("dashboard view", dashboard)):
        if growth is not None:
            factor = growth.at(DISTRICT_REGISTRATIONS) / growth.large_ms
            scaled[name] = measured[name].scaled(factor, READ_COMPONENTS)
    return scaled


def header(inputs: Inputs) -> list[str]:
    sizes = ", ".join(size(latencies.registrations) for latencies in inputs.lead_queue)
    return [
        "# Capacity: a district of "
        f"{capacity_model.DISTRICT_SCHOOLS:,} schools and {size(DISTRICT_REGISTRATIONS)} "
        "registrations",
        "",
        "Generated by `.venv/bin/python -m bench.capacity` from the benchmark runs kept in "
        "`docs/capacity/` (one JSON file per run) through the model in "
        "`bench/capacity_model.py`; do not edit it by hand: "
        "`.venv/bin/python -m bench.capacity --check` (and tests/unit/test_capacity_doc.py) "
        "fail when it differs from what they make. To measure again: run a benchmark, keep "
        "its output with `--add FILE`, regenerate.",
        "",
        f"Lead queue and dashboard measured at {sizes} registrations: "
        + largest_size_reason(inputs),
        "",
    ]


def summary(opening: list[Need], wave: list[Need]) -> list[str]:
    first, wave_first = opening[0], wave[0]
    primary = next(need for need in opening if need.component.name == "MySQL primary")
    limited = [need.component.name for need in opening + wave if need.beyond_limit]
    lines = [
        "## In short",
        "",
        f"- **Enrolment opening hour**: the first to saturate is the **{first.component.name}**: "
        f"it needs {number(first.cores)} cores, {number(first.shipped_use * 100)} % of what "
        f"is shipped ({first.component.shipped_units} x {first.component.unit}), so it is full "
        f"at {number(1 / first.shipped_use)}x the modelled load. How it scales: "
        f"{first.component.scales_out}.",
        f"- **08:00 reminder wave** ({number(held_reminders())} held reminders out in "
        f"{capacity_model.WAVE_SEND_SECONDS // 60} minutes): the first to saturate is the "
        f"**{wave_first.component.name}** ({number(wave_first.cores)} cores, "
        f"{number(wave_first.shipped_use * 100)} % of what is shipped).",
        f"- **MySQL primary**: {number(primary.cores)} of its {capacity_model.PRIMARY_CORES} "
        f"cores in the opening hour (full at {number(1 / primary.shipped_use)}x the load). "
        "Writes cannot move off it: the primary is the district's limit, and beyond it the "
        "district must be split by school over several primaries.",
    ]
    if limited:
        lines.append(
            "- **Beyond what can share the work**: "
            + ", ".join(sorted(set(limited)))
            + " (see the components table)."
        )
    return lines + [""]


def machine(inputs: Inputs) -> list[str]:
    facts = inputs.machine
    server = inputs.largest("lead_queue").get("server", {})
    lines = ["## The machine measured", ""]
    if facts:
        lines += [
            f"- {facts['cpu_model']}, {facts['cpus']} cores, {number(facts['memory_gb'])} GB "
            f"of memory, {number(facts['disk_free_gb'])} GB free disk of "
            f"{number(facts['disk_total_gb'])} GB; {facts['system']}.",
            f"- MariaDB {facts['mysql_version']}, InnoDB buffer pool "
            f"{facts['buffer_pool_mb']} MB (bench/server_facts.py; deploy/mysql/edquill.cnf "
            f"gives a district's server {deployed_buffer_pool()}: tables larger than the pool here "
            "are read through the system's page cache, so growth measured here is on the safe "
            "side); RabbitMQ on the same machine.",
        ]
    lines += [
        "- The machine and its MariaDB are shared with other engineers' work while the runs "
        "went: the CPU counted for mariadbd includes theirs, so its per-unit costs here are "
        f"upper bounds (load average at the start of the largest lead-queue run: "
        f"{server.get('load_average_1m', '-')}).",
        "",
    ]
    return lines


def deployed_buffer_pool() -> str:
    """innodb_buffer_pool_size as deploy/mysql/edquill.cnf sets it for a district."""
    for line in DEPLOYED_MYSQL_SETTINGS.read_text().splitlines():
        name, _, value = line.partition("=")
        if name.strip() == "innodb_buffer_pool_size":
            return value.strip()
    return "its default"


def model_assumptions() -> list[str]:
    rows = [
        [f"`{name}`", f"`{value}`", why]
        for module in (capacity_model, capacity_inputs, sys.modules[__name__])
        for name, value, why in assumptions(module)
    ]
    return ["## Assumptions (named constants in the code)", ""] + table(
        ["name", "value", "why"], rows
    )


def busiest_hours() -> list[str]:
    opening, wave = opening_hour_rates(), reminder_wave_rates()
    rows = [[name, number(rate), number(wave.get(name))] for name, rate in opening.items()]
    return [
        "## The busiest hours",
        "",
        "Enrolment opening hour: "
        f"{size(DISTRICT_REGISTRATIONS)} registrations held over "
        f"{capacity_model.YEARS_HELD} years, "
        f"{number(capacity_model.OPENING_DAY_SHARE_OF_YEAR * 100)} % of a year's "
        "submissions on opening day, "
        f"{number(capacity_model.OPENING_HOUR_SHARE_OF_DAY * 100)} % of the day in its "
        f"first hour; {capacity_model.STAFF_ONLINE_PER_SCHOOL} staff at each of "
        f"{capacity_model.DISTRICT_SCHOOLS:,} schools triaging at once. 08:00 reminder "
        f"wave: {number(held_reminders())} reminders held through quiet hours, released "
        f"together and sent within {capacity_model.WAVE_SEND_SECONDS} s. Per second:",
        "",
    ] + table(["work", "opening hour /s", "08:00 wave /s"], rows)


def measured_table(measured: dict[str, Workload]) -> list[str]:
    rows = []
    for workload in measured.values():
        for component, used in workload.cores.items():
            rows.append(
                [
                    workload.name,
                    f"{number(workload.rate)} {workload.unit}/s",
                    component,
                    number(used),
                    number(workload.per_core(component)),
                    number(workload.machine_busy),
                    "; ".join(
                        why
                        for key, why in workload.assumed.items()
                        if key in (component, "all", "rate")
                    )
                    or workload.source,
                ]
            )
    return [
        "## Measured here: rate, cores used, per-core rate",
        "",
        "Each rate divided by the cores the component's processes used meanwhile "
        "(bench/cpu.py `CpuShare`); a figure not measured says what stands in for it. "
        '"machine busy" is every process\'s CPU on the machine meanwhile, in cores: near '
        "all of them (the machine section), it was saturated (by others' work too) "
        "and the rate is what the component got of it.",
        "",
    ] + table(
        ["work", "rate measured", "component", "cores used", "per core /s", "machine busy", "why"],
        rows,
    )


def components_table(
    opening: list[Need], wave: list[Need], measured: dict[str, Workload]
) -> list[str]:
    wave_cores = {need.component.name: need for need in wave}
    rows = []
    for need in opening:
        component = need.component
        in_wave = wave_cores[component.name]
        rows.append(
            [
                component.name,
                number(need.cores),
                f"{need.units} x {component.unit}"
                + (" **beyond the limit**" if need.beyond_limit else ""),
                f"{component.shipped_units}",
                number(need.shipped_use * 100) + " %" if need.shipped_use is not None else "-",
                number(in_wave.cores),
                component.scales_out,
            ]
        )
    return [
        "## Components at the busiest hours (first to saturate at the top)",
        "",
        "Cores needed = each work's rate at the busiest hour times its measured cost "
        "(core-seconds per unit, the table above) for that component, summed; lead-queue reads "
        "and dashboard views at the district's size (the growth section below). A unit is one "
        "relay or worker process (one core), one web instance "
        f"({capacity_model.WEB_INSTANCE_CORES} cores), one MySQL server "
        f"({capacity_model.PRIMARY_CORES} cores).",
        "",
    ] + table(
        [
            "component",
            "cores, opening hour",
            "units needed",
            "units shipped",
            "of shipped",
            "cores, 08:00 wave",
            "how it scales out",
        ],
        rows,
    )


def growth_section(inputs: Inputs, lead: Growth | None, dashboard: Growth | None) -> list[str]:
    lines = ["## Latency growth with the district's size", ""]
    for title, series, growth, how in (
        ("Lead queue (bench/lead_queue.py)", inputs.lead_queue, lead, LEAD_QUEUE_TIMING),
        ("Dashboard (bench/dashboard.py)", inputs.dashboard, dashboard, DASHBOARD_TIMING),
    ):
        lines += [f"### {title}", ""] + latency_table(series) + [how, ""]
        lines += machine_load(series)
        if growth is not None:
            lines += growth_sentence(growth)
    return lines


LEAD_QUEUE_TIMING = (
    "Milliseconds over keep-alive HTTP for the busiest school: reads from one client; status "
    "changes from 32 threads at the offered rate, timed from each send."
)
DASHBOARD_TIMING = (
    "Milliseconds over keep-alive HTTP for the busiest school, one client: /api/dashboard with "
    "the KPI answers kept (warm) and asked again each time (cold), the page, and the KPI and "
    "notifier calls behind it."
)


def machine_load(series: list[Latencies]) -> list[str]:
    figures = ", ".join(
        f"{size(latencies.registrations)}: load average {number(latencies.load_average)} at "
        f"the start, {number(latencies.machine_busy)} cores busy while timed"
        for latencies in series
    )
    return [f"The shared machine meanwhile ({figures}).", ""]


def growth_sentence(growth: Growth) -> list[str]:
    measured = (
        f"Summed p50 of the kinds the model counts went {number(growth.factor)}x from "
        f"{size(growth.small_size)} to {size(growth.large_size)} (latency ~ size^"
        f"{number(growth.exponent)})"
    )
    if growth.large_size >= DISTRICT_REGISTRATIONS:
        return [
            measured + ". The district's size itself was measured: the model takes its figures "
            "as they are.",
            "",
        ]
    if growth.exponent <= 0:
        carried = (
            ": no growth measured, the larger size was no slower (the shared machine's other "
            "work moves these figures more than the table size does; the plans of the measured "
            "statements are in the runs' files, EXPLAIN). The model carries it on flat (x1), "
            "never as an improvement"
        )
    else:
        carried = (
            f"; carried on at that rate, {size(DISTRICT_REGISTRATIONS)} gives "
            f"{number(growth.at(DISTRICT_REGISTRATIONS))} ms against {number(growth.large_ms)} "
            "ms measured, and the model scales these requests' CPU by the same factor"
        )
    return [
        measured + carried + ". Single kinds whose p95 grew are carried on at their own rate "
        "in the last column.",
        "",
    ]


def p95_target_ms(kind: str) -> float | None:
    """The benchmarks' own p95 targets (their TARGETS), for the kinds they set one for."""
    if kind == "status_change":
        return LEAD_QUEUE_TARGETS["status_changes_p95_ms"]
    if kind in LEAD_QUEUE_KINDS or kind.startswith("search_"):
        return LEAD_QUEUE_TARGETS["lead_queue_p95_ms"]
    if kind in DASHBOARD_API_KINDS:
        return DASHBOARD_TARGETS["api_dashboard_p95_ms"]
    if kind.startswith("page_"):
        return DASHBOARD_TARGETS["page_p95_ms"]
    return None


def latency_table(series: list[Latencies]) -> list[str]:
    if not series:
        return ["Not measured.", ""]
    sizes = [size(latencies.registrations) for latencies in series]
    # At the district's size the last p95 is measured, not carried on: it is marked instead.
    carried_on = series[-1].registrations < DISTRICT_REGISTRATIONS
    headers = ["kind", "p95 target"] + [f"p50 {s}" for s in sizes] + [f"p95 {s}" for s in sizes]
    if len(series) > 1:
        headers += ["p95 growth"]
        if carried_on:
            headers += [f"p95 at {size(DISTRICT_REGISTRATIONS)} (carried on)"]
    rows = []
    for kind in series[-1].p50:
        target = p95_target_ms(kind)
        row = [kind, number(target)] + [number(latencies.p50.get(kind)) for latencies in series]
        row += [number(latencies.p95.get(kind)) for latencies in series]
        if not carried_on and target and series[-1].p95[kind] > target:
            row[-1] += " (over)"
        if len(series) > 1:
            small, large = series[-2], series[-1]
            growth = Growth(
                small.registrations, small.p95[kind], large.registrations, large.p95[kind]
            )
            row += [f"{number(growth.factor)}x"]
            if carried_on:
                at_district = growth.at(DISTRICT_REGISTRATIONS)
                row += [
                    number(at_district) + (" (over)" if target and at_district > target else "")
                ]
        rows.append(row)
    return table(headers, rows)


def largest_size_reason(inputs: Inputs) -> str:
    largest = min(
        max((latencies.registrations for latencies in series), default=0)
        for series in (inputs.lead_queue, inputs.dashboard)
    )
    if largest >= DISTRICT_REGISTRATIONS:
        return "the district's own size was measured." + pool_loading(inputs)
    return (
        f"{size(largest)} was the largest measured here; the model carries the latency growth "
        "measured between the two largest sizes on to the district's size."
    )


def pool_loading(inputs: Inputs) -> str:
    """Which runs loaded through a larger buffer pool than they were measured with."""
    loaded: dict[tuple[int, int], list[str]] = {}
    for name, run in sorted(
        inputs.runs.items(),
        key=lambda item: (capacity_inputs.bench_of(item[0]), capacity_inputs.size_of(item[1])),
    ):
        pool = run.get("buffer_pool")
        if pool and pool["during_load_mb"] > pool["measured_mb"]:
            key = (pool["during_load_mb"], pool["measured_mb"])
            loaded.setdefault(key, []).append(
                f"{capacity_inputs.bench_of(name)} at {size(capacity_inputs.size_of(run))}"
            )
    return "".join(
        f" Loaded through a {during:,} MB InnoDB buffer pool and measured after it was shrunk "
        f"back to the server's own {measured:,} MB (bench/buffer_pool.py): "
        f"{', '.join(runs)}; through the small pool every secondary index is updated by random "
        "page reads once the indexes outgrow it."
        for (during, measured), runs in loaded.items()
    )


def relay_scaling(run: dict) -> list[str]:
    rows = [
        [
            str(step["relays"]),
            number(step["drain_per_s"]),
            number(step["cpu"]["cores_used"]["relays"]),
            number(step["cpu"]["cores_used"]["mariadbd"]),
            number(step["cpu"]["cores_used"]["rabbitmq"]),
            number(step["cpu"]["machine_cores_busy"]),
        ]
        for step in run["relay_scaling"]["steps"]
    ]
    return (
        ["## Relay scaling here (bench/outbox.py)", ""]
        + table(
            ["relays", "drain /s", "relays' cores", "mariadbd", "RabbitMQ", "machine busy"], rows
        )
        + [run["relay_scaling"]["limit"] + ".", ""]
    )


def runs_section(inputs: Inputs) -> list[str]:
    rows = [
        [f"`docs/capacity/{name}`", str(run.get("server", {}).get("load_average_1m", "-"))]
        for name, run in inputs.runs.items()
    ]
    return ["## The runs this is computed from", ""] + table(
        ["file", "load average at its start"], rows
    )


# -- keeping runs, describing the machine, the command --------------------------------------


def strip(figures):
    """A run without its database names (STRIPPED_KEYS), however deep they sit."""
    if isinstance(figures, dict):
        return {key: strip(value) for key, value in figures.items() if key not in STRIPPED_KEYS}
    if isinstance(figures, list):
        return [strip(value) for value in figures]
    return figures


def add_run(source: Path, directory: Path = INPUTS) -> Path:
    target = directory / source.name
    target.write_text(json.dumps(strip(json.loads(source.read_text())), indent=2) + "\n")
    return target


def describe_machine(directory: Path = INPUTS) -> Path:
    from bench.harness import bench_settings
    from bench.server_facts import server_facts

    facts = server_facts(bench_settings())
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    disk = shutil.disk_usage(directory)
    described = {
        "cpu_model": model,
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024**2, 1),
        "disk_total_gb": round(disk.total / 1024**3),
        "disk_free_gb": round(disk.free / 1024**3),
        "system": f"{platform.system()} {platform.release()}",
        "mysql_version": facts["version"],
        "buffer_pool_mb": facts["buffer_pool_mb"],
    }
    target = directory / "machine.json"
    target.write_text(json.dumps(described, indent=2) + "\n")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the doc is out of date")
    parser.add_argument("--add", type=Path, metavar="FILE", help="keep a benchmark run")
    parser.add_argument("--describe-machine", action="store_true")
    args = parser.parse_args(argv)
    if args.add or args.describe_machine:
        if args.add:
            print(add_run(args.add))
        if args.describe_machine:
            print(describe_machine())
        return 0
    written = render(read_inputs())
    if args.check:
        if not DOC.exists() or DOC.read_text() != written:
            print(f"{DOC} is not what `python -m bench.capacity` writes", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(written)
    return 0


if __name__ == "__main__":
    sys.exit(main())
