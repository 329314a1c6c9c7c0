"""The operations files in deploy/ agree with the commands and metrics the code has."""

from __future__ import annotations

import configparser
import json
import re
import subprocess

import pytest
import yaml
from prometheus_client import REGISTRY

import kpi.adapters.service_gauges  # noqa: F401 -- each import registers that process's metrics
import kpi.adapters.worker_metrics  # noqa: F401
import notifier.metrics  # noqa: F401
import outbox_relay.metrics  # noqa: F401
import shared.consumer_metrics  # noqa: F401
import shared.metrics  # noqa: F401
from devtools.up_plan import PROGRAMS
from shared.paths import ROOT

DEPLOY = ROOT / "deploy"
EDQUILL_ENV = "/opt/edquill/deploy/bin/edquill-env "


@pytest.fixture(scope="module")
def supervisor() -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    parser.read(DEPLOY / "supervisor" / "edquill.conf")
    return parser


def programs(parser) -> dict[str, configparser.SectionProxy]:
    return {
        name.removeprefix("program:"): parser[name]
        for name in parser.sections()
        if name.startswith("program:")
    }


SAMPLE_SUFFIXES = {
    "counter": ("_total",),
    "gauge": ("",),
    "histogram": ("_bucket", "_sum", "_count"),
}


def relay_metric_names() -> set[str]:
    """Every series name the relay's metrics can export, labelled ones included."""
    return {
        family.name + suffix
        for family in REGISTRY.collect()
        if family.name.startswith("edquill_outbox_")
        for suffix in SAMPLE_SUFFIXES.get(family.type, ("",))
    }


def exported_metric_names() -> set[str]:
    """Every series name an EdQuill process can export (relays, workers, web services)."""
    return {
        family.name + suffix
        for family in REGISTRY.collect()
        if family.name.startswith("edquill_")
        for suffix in SAMPLE_SUFFIXES.get(family.type, ("",))
    }


def metric_names_in(expression: str) -> set[str]:
    return set(re.findall(r"\bedquill_outbox_\w+", expression))


def edquill_metric_names_in(expression: str) -> set[str]:
    return set(re.findall(r"\bedquill_\w+", expression))


def test_two_relays_with_distinct_metrics_ports(supervisor):
    relay = programs(supervisor)["relay"]
    assert relay["numprocs"] == "2"
    assert "%(process_num)" in relay["process_name"]
    assert re.search(r"--metrics-port 94%\(process_num\)02d$", relay["command"])
    assert "outbox worker --batch-size 500 --sleep-ms 50" in relay["command"]


def test_every_program_stops_on_sigterm_with_time_to_finish_a_batch(supervisor):
    for name, program in programs(supervisor).items():
        assert program["stopsignal"] == "TERM", name
        assert int(program["stopwaitsecs"]) >= 30, name


def test_supervisor_runs_every_worker_and_server_that_edquill_up_runs(supervisor):
    commands = {
        p["command"].removeprefix(EDQUILL_ENV).split(" --")[0]
        for p in programs(supervisor).values()
    }
    for program in PROGRAMS:
        if program.name == "mailsink":
            continue  # production sends through a real mail server
        words = [word for word in program.args if not word.startswith("{")]
        expected = " ".join(words).split(" --")[0]
        assert expected in commands, program.name


def test_the_group_lists_every_program(supervisor):
    listed = set(supervisor["group:edquill"]["programs"].split(","))
    assert listed == set(programs(supervisor))


def cron_jobs() -> list[str]:
    lines = (DEPLOY / "cron" / "edquill").read_text().splitlines()
    return [line for line in lines if line and not line.startswith("#") and "=" not in line[:20]]


@pytest.mark.parametrize(
    "command",
    [
        "kpi daily-aggregate",
        "retention purge >>",
        "outbox reset-stuck >>",
        "backup --out ",
    ],
)
def test_cron_schedules_the_operators_jobs(command):
    assert any(EDQUILL_ENV + command in job for job in cron_jobs())


def test_cron_lines_have_a_schedule_a_user_and_a_command():
    for job in cron_jobs():
        minute, hour, day, month, weekday, user, command = job.split(None, 6)
        assert user == "edquill", job
        assert "%" not in command.replace("\\%", ""), "an unescaped % ends a cron command"


def test_prometheus_scrapes_every_service_and_both_relays():
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    targets = {
        target
        for job in config["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }
    expected = {f"127.0.0.1:{port}" for port in (8001, 8002, 8003, 8004, 9400, 9401)}
    assert expected <= targets
    assert config["rule_files"] == ["alerts.yml"]


def alert_rules() -> dict[str, str]:
    groups = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())["groups"]
    return {rule["alert"]: rule["expr"] for group in groups for rule in group["rules"]}


@pytest.mark.parametrize(
    "metric",
    [
        "edquill_outbox_backlog",
        "edquill_outbox_oldest_age_seconds",
        "edquill_outbox_dead_events",
        "edquill_outbox_held_events",
        "rabbitmq_queue_messages",
    ],
)
def test_there_is_an_alert_on(metric):
    assert any(metric in expression for expression in alert_rules().values())


@pytest.mark.parametrize(
    "alert, gauge",
    [
        ("EdquillOutboxDeadEvents", "edquill_outbox_dead_events"),
        ("EdquillOutboxHeldEvents", "edquill_outbox_held_events"),
    ],
)
def test_dead_and_held_alerts_read_the_current_count_so_they_last_while_it_does(alert, gauge):
    expression = alert_rules()[alert]

    assert metric_names_in(expression) == {gauge}
    assert "increase(" not in expression and "rate(" not in expression


def test_alerts_use_only_metrics_the_relay_exports():
    used = set().union(*(metric_names_in(e) for e in alert_rules().values()))
    assert used <= relay_metric_names()


def test_alerts_use_only_metrics_some_edquill_process_exports():
    used = set().union(*(edquill_metric_names_in(e) for e in alert_rules().values()))
    assert used <= exported_metric_names()


@pytest.mark.parametrize(
    "metric",
    [
        "edquill_outbox_stuck_claims",
        "edquill_notifier_smtp_refusals_total",
        "edquill_notifier_deliveries_total",
        "edquill_consumer_events_total",
        "edquill_kpi_last_rebuild_timestamp_seconds",
        "edquill_http_requests_total",
    ],
)
def test_there_is_an_alert_on_the_operators_signal(metric):
    assert any(metric in expression for expression in alert_rules().values())


def test_the_consumers_serve_metrics_on_ports_prometheus_scrapes(supervisor):
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    workers = next(job for job in config["scrape_configs"] if job["job_name"] == "edquill-workers")
    scraped = {target for static in workers["static_configs"] for target in static["targets"]}
    for name in ("notifier-worker", "kpi-worker", "dashboard-worker"):
        port = re.search(r"--metrics-port (\d+)$", programs(supervisor)[name]["command"])
        assert port, name
        assert f"127.0.0.1:{port.group(1)}" in scraped, name


def test_alertmanager_routes_each_severity_the_alerts_use():
    config = yaml.safe_load((DEPLOY / "alertmanager" / "alertmanager.yml").read_text())
    groups = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())["groups"]
    severities = {rule["labels"]["severity"] for group in groups for rule in group["rules"]}
    routed = {matcher for route in config["route"]["routes"] for matcher in route["matchers"]}
    receivers = {receiver["name"] for receiver in config["receivers"]}

    assert {f'severity="{severity}"' for severity in severities} <= routed
    assert {route["receiver"] for route in config["route"]["routes"]} <= receivers


def grafana_dashboard() -> dict:
    return json.loads((DEPLOY / "grafana" / "dashboards" / "outbox-relay.json").read_text())


def test_grafana_shows_the_relay_figures():
    expressions = [t["expr"] for p in grafana_dashboard()["panels"] for t in p["targets"]]
    joined = "\n".join(expressions)
    for figure in (
        "rate(edquill_outbox_published_total",
        "edquill_outbox_backlog",
        "edquill_outbox_oldest_age_seconds",
        "edquill_outbox_dead_total",
        "edquill_outbox_dead_events",
        "edquill_outbox_held_events",
        "histogram_quantile(0.99, sum by (le) (rate(edquill_outbox_latency_seconds_bucket",
    ):
        assert figure in joined
    assert set().union(*(metric_names_in(e) for e in expressions)) <= relay_metric_names()


def test_grafana_panels_use_the_provisioned_data_source():
    provisioned = yaml.safe_load(
        (DEPLOY / "grafana" / "provisioning" / "datasources" / "edquill.yml").read_text()
    )
    uid = provisioned["datasources"][0]["uid"]
    assert {p["datasource"]["uid"] for p in grafana_dashboard()["panels"]} == {uid}


def test_the_systemd_unit_runs_supervisord_on_the_edquill_config():
    unit = (DEPLOY / "systemd" / "edquill.service").read_text()
    assert re.search(r"^ExecStart=\S*supervisord .*/etc/edquill/supervisord\.conf$", unit, re.M)
    assert "edquill-env migrate" in unit


def test_the_ci_script_is_valid_bash():
    done = subprocess.run(["bash", "-n", str(ROOT / ".ci" / "run")], capture_output=True, text=True)

    assert done.returncode == 0, done.stderr
