"""docker-compose.yml runs the whole system as the contract describes it."""
from __future__ import annotations

import ipaddress
import shutil
import subprocess

import pytest
import yaml

from shared.paths import ROOT

COMPOSE_FILE = ROOT / "docker-compose.yml"
CONTRACT_VARIABLES = {
    "EDQUILL_MYSQL_URL", "EDQUILL_DB_PREFIX", "EDQUILL_AMQP_URL", "EDQUILL_EXCHANGE",
    "EDQUILL_SMTP_URL", "EDQUILL_REGISTRAR_PORT", "EDQUILL_DASHBOARD_PORT", "EDQUILL_KPI_PORT",
    "EDQUILL_NOTIFIER_PORT", "EDQUILL_GATEWAY_PORT", "EDQUILL_REGISTRAR_URL", "EDQUILL_KPI_URL",
    "EDQUILL_NOTIFIER_URL",
}
SERVERS = ("registrar", "dashboard", "kpi", "notifier")
WORKERS = {"notifier-worker": ["notifier", "worker"], "kpi-worker": ["kpi", "worker"],
           "dashboard-worker": ["dashboard", "worker"]}


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())["services"]


def edquill_services(services: dict) -> dict:
    return {name: s for name, s in services.items() if s.get("command", [None])[0] == "edquill"}


def test_mysql_is_the_production_target_5_7_with_a_healthcheck(services):
    assert services["mysql"]["image"].startswith("mysql:5.7")
    assert "mysqladmin ping" in " ".join(services["mysql"]["healthcheck"]["test"])


def test_rabbitmq_is_the_management_image_with_a_healthcheck(services):
    assert services["rabbitmq"]["image"].endswith("-management")
    assert "rabbitmq-diagnostics" in services["rabbitmq"]["healthcheck"]["test"]


def test_migrate_is_one_shot_after_mysql_and_rabbitmq_are_healthy(services):
    migrate = services["migrate"]
    assert migrate["command"] == ["sh", "-c", "edquill migrate && edquill queues declare"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["mysql"]["condition"] == "service_healthy"
    assert migrate["depends_on"]["rabbitmq"]["condition"] == "service_healthy"


def test_two_outbox_relays_run(services):
    relays = [name for name, s in services.items() if s.get("command", [])[:3]
              == ["edquill", "outbox", "worker"]]
    assert len(relays) == 2


@pytest.mark.parametrize("server", SERVERS)
def test_each_http_service_is_served_on_all_interfaces_with_a_health_check(services, server):
    service = services[server]
    assert service["command"][:3] == ["edquill", "serve", server]
    assert service["command"][service["command"].index("--host") + 1] == "0.0.0.0"
    assert "/healthz" in " ".join(service["healthcheck"]["test"])


@pytest.mark.parametrize("worker", sorted(WORKERS))
def test_each_consumer_worker_runs(services, worker):
    assert services[worker]["command"] == ["edquill", *WORKERS[worker]]


def test_every_edquill_container_has_every_contract_variable(services):
    for name, service in edquill_services(services).items():
        missing = CONTRACT_VARIABLES - set(service["environment"])
        assert not missing, f"{name} lacks {sorted(missing)}"


def test_services_call_each_other_by_container_name(services):
    environment = services["registrar"]["environment"]
    assert environment["EDQUILL_KPI_URL"] == "http://kpi:8003"
    assert environment["EDQUILL_SMTP_URL"] == "smtp://mailsink:1025"
    assert "@mysql:3306" in environment["EDQUILL_MYSQL_URL"]
    assert "@rabbitmq:5672/" in environment["EDQUILL_AMQP_URL"]


def test_workers_and_servers_wait_for_the_migration_and_a_healthy_broker(services):
    for name, service in edquill_services(services).items():
        if name in ("migrate", "mailsink"):
            continue
        depends = service["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["rabbitmq"]["condition"] == "service_healthy", name


def test_the_gateway_publishes_8080_after_every_server_is_healthy(services):
    gateway = services["gateway"]
    assert "8080:8080" in gateway["ports"]
    assert {name: d["condition"] for name, d in gateway["depends_on"].items()} == {
        server: "service_healthy" for server in SERVERS}
    assert any("deploy/nginx/edquill.conf" in volume for volume in gateway["volumes"])


def test_the_servers_believe_forwarded_headers_from_the_compose_network_only():
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    subnets = [ipaddress.ip_network(pool["subnet"])
               for pool in compose["networks"]["default"]["ipam"]["config"]]
    for server in SERVERS:
        service = compose["services"][server]
        trusted = [ipaddress.ip_network(cidr) for cidr in
                   service["environment"]["EDQUILL_TRUSTED_PROXIES"].split(",")]
        assert trusted == subnets, server
        assert "ports" not in service, f"{server} is reachable from outside the network"


def test_the_mail_sink_listens_for_the_other_containers(services):
    mailsink = services["mailsink"]
    assert mailsink["environment"]["EDQUILL_SMTP_URL"] == "smtp://0.0.0.0:1025"
    assert "--http-port" in mailsink["command"]


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
def test_docker_compose_accepts_the_file():
    done = subprocess.run(["docker-compose", "-f", str(COMPOSE_FILE), "config", "-q"],
                          capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
