"""docker-compose.yml's monitoring: Prometheus on deploy/'s rules scraping every container,
Alertmanager, Grafana provisioned from deploy/grafana/, and a health check on every relay and
worker (their metrics ports)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from shared.paths import ROOT
from tests.support import grafana_dashboards as dashboards
from tests.unit.test_compose_file import (
    COMPOSE_FILE,
    REQUIRED_VARIABLES,
    SERVERS,
    needs_docker_compose,
    run_compose_config,
)

PROMETHEUS = ROOT / "deploy" / "prometheus"
COMPOSE_PROMETHEUS = PROMETHEUS / "prometheus-compose.yml"
MONITORING_IMAGES = {
    "prometheus": "prom/prometheus",
    "alertmanager": "prom/alertmanager",
    "grafana": "grafana/grafana-oss",
}
# deploy/supervisor's ports, which the compose workers keep.
WORKER_METRICS_PORTS = {"notifier-worker": 9410, "kpi-worker": 9411, "dashboard-worker": 9412}
SERVER_PORTS = {"registrar": 8001, "dashboard": 8002, "kpi": 8003, "notifier": 8004}


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())["services"]


def metrics_port(service: dict) -> int | None:
    command = service.get("command", [])
    if "--metrics-port" not in command:
        return None
    return int(command[command.index("--metrics-port") + 1])


def metrics_services(services: dict) -> dict[str, int]:
    """Every container serving --metrics-port (the relays and the consumer workers)."""
    return {name: port for name, service in services.items() if (port := metrics_port(service))}


def scrape_targets(path) -> dict[str, set[str]]:
    config = yaml.safe_load(path.read_text())
    return {
        job["job_name"]: {t for static in job["static_configs"] for t in static["targets"]}
        for job in config["scrape_configs"]
    }


def scrape_labels(path) -> dict[str, list[dict]]:
    config = yaml.safe_load(path.read_text())
    return {
        job["job_name"]: sorted(
            (static.get("labels", {}) for static in job["static_configs"]), key=str
        )
        for job in config["scrape_configs"]
    }


def mount_target(service: dict, source: str) -> str:
    [target] = [
        volume.split(":")[1] for volume in service["volumes"] if volume.startswith(source + ":")
    ]
    return target


@pytest.mark.parametrize("name", sorted(MONITORING_IMAGES))
def test_monitoring_images_are_pinned_to_a_version(services, name):
    image, _, tag = services[name]["image"].partition(":")

    assert image == MONITORING_IMAGES[name]
    assert re.fullmatch(r"v?\d+\.\d+\.\d+", tag), services[name]["image"]


@pytest.mark.parametrize("name", sorted(MONITORING_IMAGES))
def test_monitoring_containers_have_a_health_check(services, name):
    assert services[name]["healthcheck"]["test"][0] == "CMD"


def test_workers_serve_metrics_on_the_supervisor_ports_where_prometheus_reaches_them(services):
    for name, port in WORKER_METRICS_PORTS.items():
        assert metrics_port(services[name]) == port, name
        assert services[name]["environment"]["EDQUILL_METRICS_HOST"] == "0.0.0.0", name


def test_every_relay_and_worker_is_healthy_only_while_its_metrics_port_answers(services):
    served = metrics_services(services)

    assert set(WORKER_METRICS_PORTS) | {"relay-1", "relay-2"} <= set(served)
    for name, port in served.items():
        check = " ".join(services[name]["healthcheck"]["test"])
        assert f"http://127.0.0.1:{port}/metrics" in check, name


def test_prometheus_runs_the_compose_config_with_the_shared_alert_rules(services):
    prometheus = services["prometheus"]

    assert mount_target(prometheus, "./deploy/prometheus/prometheus-compose.yml") == (
        "/etc/prometheus/prometheus.yml"
    )
    assert mount_target(prometheus, "./deploy/prometheus/alerts.yml") == (
        "/etc/prometheus/alerts.yml"
    )
    config = yaml.safe_load(COMPOSE_PROMETHEUS.read_text())
    assert config["rule_files"] == ["alerts.yml"]
    [alertmanagers] = config["alerting"]["alertmanagers"]
    assert alertmanagers["static_configs"][0]["targets"] == ["alertmanager:9093"]


def test_compose_prometheus_has_the_host_configs_jobs_and_labels():
    """Dashboards and alerts select on job and labels: both layouts must give the same."""
    assert scrape_labels(COMPOSE_PROMETHEUS) == scrape_labels(PROMETHEUS / "prometheus.yml")


def test_compose_prometheus_scrapes_every_container_by_its_service_name(services):
    scraped = set().union(*scrape_targets(COMPOSE_PROMETHEUS).values())
    expected = {f"{name}:{port}" for name, port in metrics_services(services).items()}
    expected |= {f"{server}:{SERVER_PORTS[server]}" for server in SERVERS}

    assert expected <= scraped
    assert not {target for target in scraped if target.startswith("127.0.0.1")}


def test_alertmanager_runs_the_shipped_routes(services):
    assert mount_target(services["alertmanager"], "./deploy/alertmanager/alertmanager.yml") == (
        "/etc/alertmanager/alertmanager.yml"
    )


def test_grafana_finds_the_dashboards_where_the_provider_reads_them(services):
    grafana = services["grafana"]

    assert (
        mount_target(grafana, "./deploy/grafana/dashboards")
        == (dashboards.dashboard_provider()["options"]["path"])
    )
    assert mount_target(grafana, "./deploy/grafana/provisioning/dashboards") == (
        "/etc/grafana/provisioning/dashboards"
    )
    assert mount_target(grafana, "./deploy/grafana/compose/datasources") == (
        "/etc/grafana/provisioning/datasources"
    )


def test_grafanas_compose_data_source_is_the_host_one_on_the_compose_prometheus():
    host = dashboards.provisioned_datasource()
    [compose] = yaml.safe_load(
        (dashboards.GRAFANA / "compose" / "datasources" / "edquill.yml").read_text()
    )["datasources"]

    assert {**host, "url": compose["url"]} == compose
    assert compose["url"] == "http://prometheus:9090"


def test_grafana_refuses_to_start_with_its_default_admin_password(services):
    password = services["grafana"]["environment"]["GF_SECURITY_ADMIN_PASSWORD"]

    assert re.fullmatch(r"\$\{GRAFANA_ADMIN_PASSWORD:\?[^}]+\}", password)


@needs_docker_compose
def test_the_resolved_file_keeps_every_health_check():
    done = run_compose_config(**REQUIRED_VARIABLES)
    resolved = yaml.safe_load(done.stdout)["services"]

    unchecked = {
        name
        for name in [*metrics_services(resolved), *MONITORING_IMAGES]
        if not resolved[name].get("healthcheck", {}).get("test")
    }
    assert unchecked == set()


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool (Debian prometheus)")
def test_promtool_accepts_the_compose_config_and_its_rules():
    done = subprocess.run(
        ["promtool", "check", "config", COMPOSE_PROMETHEUS.name],
        cwd=PROMETHEUS,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stdout + done.stderr
