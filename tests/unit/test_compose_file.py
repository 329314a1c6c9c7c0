"""docker-compose.yml runs the whole system as the contract describes it."""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import subprocess

import pytest
import yaml

from shared.paths import ROOT

COMPOSE_FILE = ROOT / "docker-compose.yml"
CONTRACT_VARIABLES = {
    "EDQUILL_MYSQL_URL",
    "EDQUILL_DB_PREFIX",
    "EDQUILL_AMQP_URL",
    "EDQUILL_EXCHANGE",
    "EDQUILL_SMTP_URL",
    "EDQUILL_REGISTRAR_PORT",
    "EDQUILL_DASHBOARD_PORT",
    "EDQUILL_KPI_PORT",
    "EDQUILL_NOTIFIER_PORT",
    "EDQUILL_GATEWAY_PORT",
    "EDQUILL_REGISTRAR_URL",
    "EDQUILL_KPI_URL",
    "EDQUILL_NOTIFIER_URL",
}
SERVERS = ("registrar", "dashboard", "kpi", "notifier")
WORKERS = {
    "notifier-worker": ["notifier", "worker"],
    "kpi-worker": ["kpi", "worker"],
    "dashboard-worker": ["dashboard", "worker"],
}


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
    relays = [
        name
        for name, s in services.items()
        if s.get("command", [])[:3] == ["edquill", "outbox", "worker"]
    ]
    assert len(relays) == 2


def test_each_relay_serves_its_metrics_where_its_published_port_reaches(services):
    # Inside a container 127.0.0.1 is the container itself: a published port reaches only a
    # server listening on every interface.
    for name, service in services.items():
        command = service.get("command", [])
        if command[:3] != ["edquill", "outbox", "worker"]:
            continue
        metrics_port = command[command.index("--metrics-port") + 1]
        assert service["environment"]["EDQUILL_METRICS_HOST"] == "0.0.0.0", name
        assert any(str(mapping).endswith(f":{metrics_port}") for mapping in service["ports"]), name


@pytest.mark.parametrize("server", SERVERS)
def test_each_http_service_is_served_on_all_interfaces_with_a_health_check(services, server):
    service = services[server]
    assert service["command"][:3] == ["edquill", "serve", server]
    assert service["command"][service["command"].index("--host") + 1] == "0.0.0.0"
    assert "/healthz" in " ".join(service["healthcheck"]["test"])


@pytest.mark.parametrize("worker", sorted(WORKERS))
def test_each_consumer_worker_runs(services, worker):
    command = services[worker]["command"]
    assert command[: len(WORKERS[worker]) + 1] == ["edquill", *WORKERS[worker]]


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
        server: "service_healthy" for server in SERVERS
    }
    assert any("deploy/nginx/edquill.conf" in volume for volume in gateway["volumes"])


def test_the_servers_believe_forwarded_headers_from_the_compose_network_only():
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    subnets = [
        ipaddress.ip_network(pool["subnet"])
        for pool in compose["networks"]["default"]["ipam"]["config"]
    ]
    for server in SERVERS:
        service = compose["services"][server]
        trusted = [
            ipaddress.ip_network(cidr)
            for cidr in service["environment"]["EDQUILL_TRUSTED_PROXIES"].split(",")
        ]
        assert trusted == subnets, server
        assert "ports" not in service, f"{server} is reachable from outside the network"


def test_the_mail_sink_listens_for_the_other_containers(services):
    mailsink = services["mailsink"]
    assert mailsink["environment"]["EDQUILL_SMTP_URL"] == "smtp://0.0.0.0:1025"
    assert "--http-port" in mailsink["command"]


# What the operator must export before compose starts anything (values for the checks here).
REQUIRED_VARIABLES = {
    "EDQUILL_SECRET_KEY": "k" * 64,
    "RABBITMQ_DEFAULT_USER": "edquill",
    "RABBITMQ_DEFAULT_PASS": "brokerpassword1",
    "GRAFANA_ADMIN_PASSWORD": "grafanapassword1",
}
# The one service the outside world reaches.
PUBLIC_SERVICE = "gateway"
needs_docker_compose = pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="docker-compose not installed"
)


def required_reference(value: str, variable: str) -> bool:
    """Whether value is `${variable:?message}`: compose refuses to start while it is unset."""
    return re.fullmatch(r"\$\{" + variable + r":\?[^}]+\}", str(value)) is not None


def host_bindings(service: dict) -> list[tuple[str, str]]:
    """(host address, host port) of each port the service publishes; "" = every interface."""
    bindings = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            bindings.append((port.get("host_ip", ""), str(port.get("published", ""))))
            continue
        parts = str(port).split(":")
        address = parts[0] if len(parts) == 3 else ""
        bindings.append((address, parts[-2] if len(parts) > 1 else ""))
    return bindings


def run_compose_config(files=(COMPOSE_FILE,), **variables: str) -> subprocess.CompletedProcess:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in REQUIRED_VARIABLES and not name.startswith("EDQUILL_")
    }
    env.update(variables)
    return subprocess.run(
        ["docker-compose", *(f"-f{file}" for file in files), "config"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "name", ["rabbitmq", "mailsink", "relay-1", "relay-2", "prometheus", "alertmanager", "grafana"]
)
def test_operator_ports_are_published_on_the_hosts_loopback_only(services, name):
    bindings = host_bindings(services[name])

    assert bindings, f"{name} publishes no port"
    assert all(address == "127.0.0.1" for address, _port in bindings), bindings


def test_no_port_but_the_gateways_is_published_beyond_loopback(services):
    exposed = {
        name: bindings
        for name, service in services.items()
        if name != PUBLIC_SERVICE
        and (bindings := [b for b in host_bindings(service) if b[0] != "127.0.0.1"])
    }

    assert exposed == {}


def test_the_broker_has_a_user_of_the_operators_own(services):
    broker = services["rabbitmq"]["environment"]

    assert required_reference(broker["RABBITMQ_DEFAULT_USER"], "RABBITMQ_DEFAULT_USER")
    assert required_reference(broker["RABBITMQ_DEFAULT_PASS"], "RABBITMQ_DEFAULT_PASS")


def test_every_edquill_container_connects_as_the_brokers_user(services):
    for name, service in edquill_services(services).items():
        assert service["environment"]["EDQUILL_AMQP_URL"].startswith(
            "amqp://${RABBITMQ_DEFAULT_USER}:${RABBITMQ_DEFAULT_PASS}@rabbitmq:5672/"
        ), name


def test_no_service_uses_the_guest_account(services):
    for name, service in services.items():
        environment = service.get("environment") or {}
        assert not [value for value in environment.values() if "guest" in str(value)], name


def test_every_edquill_container_runs_in_production_with_a_required_key(services):
    for name, service in edquill_services(services).items():
        environment = service["environment"]
        assert environment["EDQUILL_ENV"] == "production", name
        assert required_reference(environment["EDQUILL_SECRET_KEY"], "EDQUILL_SECRET_KEY"), name
        assert environment["EDQUILL_PUBLIC_URL"], name


@needs_docker_compose
def test_docker_compose_accepts_the_file():
    done = run_compose_config(**REQUIRED_VARIABLES)

    assert done.returncode == 0, done.stderr


@needs_docker_compose
@pytest.mark.parametrize("missing", sorted(REQUIRED_VARIABLES))
def test_docker_compose_refuses_to_start_without_a_required_variable(missing):
    done = run_compose_config(
        **{name: value for name, value in REQUIRED_VARIABLES.items() if name != missing}
    )

    assert done.returncode != 0
    assert missing in done.stderr


@needs_docker_compose
def test_the_resolved_broker_url_carries_the_operators_credentials():
    done = run_compose_config(**REQUIRED_VARIABLES)
    resolved = yaml.safe_load(done.stdout)["services"]

    assert (
        resolved["registrar"]["environment"]["EDQUILL_AMQP_URL"]
        == "amqp://edquill:brokerpassword1@rabbitmq:5672/%2F"
    )
    assert resolved["registrar"]["environment"]["EDQUILL_SECRET_KEY"] == "k" * 64
