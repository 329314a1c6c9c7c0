"""The nginx gateway routes the contract's paths to the right service, on the right ports."""

from __future__ import annotations

import importlib
import re
import subprocess
from dataclasses import replace

import pytest

from devtools.gateway import SITE_TEMPLATE, find_nginx, render_site, write_local_config
from shared import serve
from shared.config import Settings, development_settings
from shared.config_error import ConfigError

ROUTES = {
    "/api/public/schools/sunrise/self-registrations": "registrar",
    "/api/admin/self-registration": "registrar",
    "/api/admin/self-registration/42": "registrar",
    "/api/admin/self-registration/status": "registrar",
    "/api/admin/self-registration/assign-class/check": "registrar",
    "/api/admin/teachers": "registrar",
    "/api/admin/schedules": "registrar",
    "/api/auth/login": "registrar",
    "/admin/registrar": "registrar",
    "/register/sunrise": "registrar",
    "/login": "registrar",
    "/logout": "registrar",
    "/admin/registrar/static/workspace.css": "registrar",
    "/register/static/family.css": "registrar",
    "/api/dashboard": "dashboard",
    "/admin/dashboard": "dashboard",
    "/api/kpi/daily": "kpi",
    "/api/messages": "notifier",
    "/api/messages/7/resend": "notifier",
    "/api/messages/templates/needs_info/preview": "notifier",
    "/admin/messages": "notifier",
    "/admin/messages/templates/needs_info": "notifier",
    "/admin/messages/7/resend": "notifier",
    "/api/admin/documents/7": "registrar",
    "/api/admin/invoices/7/payments": "registrar",
    "/api/admin/feature-flags": "registrar",
    "/api/admin/reports/daily": "registrar",
    "/autopay/signed-token": "registrar",
    "/staff/invitation/signed-token": "registrar",
    "/api/admin/staff/invitations": "registrar",
    "/admin/staff/invitations/7/cancel": "registrar",
    "/unsubscribe/signed-token": "notifier",
}


def locations(config: str) -> dict[tuple[str, str], str]:
    """(modifier, path) -> the location's body, for the plain and exact locations."""
    pattern = re.compile(r"location\s+(=?)\s*(/\S*)\s*\{(.*?)\n\s*\}", re.S)
    return {(m.group(1), m.group(2)): m.group(3) for m in pattern.finditer(config)}


def upstream_for(config: str, path: str) -> str | None:
    """The upstream nginx would proxy `path` to: exact match first, else the longest prefix."""
    blocks = locations(config)
    body = blocks.get(("=", path))
    if body is None:
        prefix = max(
            (p for (modifier, p) in blocks if not modifier and path.startswith(p)), key=len
        )
        body = blocks[("", prefix)]
    proxied = re.search(r"proxy_pass http://edquill_(\w+);", body)
    return proxied.group(1) if proxied else None


@pytest.fixture(scope="module")
def site() -> str:
    return SITE_TEMPLATE.read_text()


@pytest.mark.parametrize("path, service", sorted(ROUTES.items()))
def test_each_contract_path_reaches_its_service(site, path, service):
    assert upstream_for(site, path) == service


def test_other_paths_are_answered_by_the_gateway_itself(site):
    assert upstream_for(site, "/etc/passwd") is None
    assert upstream_for(site, "/healthz") is None


SHIPPED_PAIRS = {
    "registrar": (8001, 8011),
    "dashboard": (8002, 8012),
    "kpi": (8003, 8013),
    "notifier": (8004, 8014),
}


def upstream_servers(config: str, service: str) -> list[str]:
    """The `server` lines of the service's upstream block, without the keyword."""
    block = re.search(rf"upstream edquill_{service}\s*\{{(.*?)\}}", config, re.S).group(1)
    return re.findall(r"^\s*server ([^;]+);", block, re.M)


def upstream_setting(config: str, service: str, name: str) -> str | None:
    block = re.search(rf"upstream edquill_{service}\s*\{{(.*?)\}}", config, re.S).group(1)
    found = re.search(rf"^\s*{name} ([^;]+);", block, re.M)
    return found.group(1) if found else None


def test_upstreams_are_the_pair_of_default_service_ports(site):
    for service, (first, second) in SHIPPED_PAIRS.items():
        servers = upstream_servers(site, service)
        assert [server.split()[0] for server in servers] == [
            f"127.0.0.1:{first}",
            f"127.0.0.1:{second}",
        ]
    assert "listen 8080;" in site


def test_the_shipped_pairs_are_the_settings_defaults():
    defaults = Settings()
    for service, (first, second) in SHIPPED_PAIRS.items():
        assert (defaults.ports[service], defaults.second_ports[service]) == (first, second)


def test_each_instance_port_comes_from_its_own_variable():
    settings = Settings.from_env(
        {
            "EDQUILL_ENV": "development",
            "EDQUILL_REGISTRAR_PORT": "9001",
            "EDQUILL_REGISTRAR_SECOND_PORT": "9011",
        }
    )

    assert (settings.instance_port("registrar", 1), settings.instance_port("registrar", 2)) == (
        9001,
        9011,
    )
    assert settings.instance_port("dashboard", 2) == 8012


def test_a_second_port_that_is_no_port_fails_naming_its_variable():
    with pytest.raises(ConfigError, match="EDQUILL_KPI_SECOND_PORT"):
        Settings.from_env({"EDQUILL_ENV": "development", "EDQUILL_KPI_SECOND_PORT": "eighty"})


def test_a_failing_instance_is_left_out_for_a_while_not_for_good(site):
    for service in SHIPPED_PAIRS:
        for server in upstream_servers(site, service):
            assert "max_fails=2" in server and "fail_timeout=10s" in server, server
            assert "down" not in server.split() and "backup" not in server.split(), server


def test_idle_upstream_connections_close_before_gunicorn_closes_them(site):
    gunicorn_keepalive = serve.KEEPALIVE_SECONDS
    for service in SHIPPED_PAIRS:
        assert upstream_setting(site, service, "keepalive")
        timeout = upstream_setting(site, service, "keepalive_timeout")
        assert timeout and int(timeout.removesuffix("s")) < gunicorn_keepalive, service


def test_a_request_goes_to_the_other_instance_but_a_post_never_twice(site):
    assert re.search(r"^\s*proxy_next_upstream error timeout http_502 http_503;$", site, re.M), (
        "connect errors, timeouts and 502/503 answers go to the next instance"
    )
    # nginx resends a POST only when it never reached the first instance; non_idempotent
    # would resend one the instance may already have stored.
    assert "non_idempotent" not in re.sub(r"#[^\n]*", "", site)
    assert re.search(r"^\s*proxy_next_upstream_timeout \d+s;$", site, re.M)


def test_request_bodies_are_limited_and_forwarding_headers_passed(site):
    assert re.search(r"^\s*client_max_body_size \w+;", site, re.M)
    for header in ("Host", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"proxy_set_header {header} " in site


TEST_PORTS = {
    "registrar": 18001,
    "dashboard": 18002,
    "kpi": 18003,
    "notifier": 18004,
    "gateway": 18080,
}
TEST_SECOND_PORTS = {"registrar": 18011, "dashboard": 18012, "kpi": 18013, "notifier": 18014}


def test_rendering_puts_each_service_on_the_settings_port_alone(site):
    rendered = render_site(site, TEST_PORTS)

    for service in SHIPPED_PAIRS:
        servers = upstream_servers(rendered, service)
        assert [server.split()[0] for server in servers] == [f"127.0.0.1:{TEST_PORTS[service]}"]
    assert "listen 127.0.0.1:18080;" in rendered
    assert ":8001 " not in rendered and ":8011 " not in rendered


def test_rendering_with_second_ports_puts_both_instances_behind_each_upstream(site):
    rendered = render_site(site, TEST_PORTS, second_ports=TEST_SECOND_PORTS)

    for service in SHIPPED_PAIRS:
        assert upstream_servers(rendered, service) == [
            f"127.0.0.1:{TEST_PORTS[service]} max_fails=2 fail_timeout=10s",
            f"127.0.0.1:{TEST_SECOND_PORTS[service]} max_fails=2 fail_timeout=10s",
        ]


def trusted_proxies_of(config: str) -> tuple[list[str], list[str]]:
    """(realip's set_real_ip_from CIDRs, the geo block's trusted CIDRs)."""
    geo = re.search(
        r"geo \$realip_remote_addr \$edquill_peer_is_trusted_proxy \{(.*?)\}", config, re.S
    ).group(1)
    return (
        re.findall(r"^set_real_ip_from ([^;]+);", config, re.M),
        re.findall(r"^\s*(\S+) 1;", geo, re.M),
    )


def test_the_deploy_file_believes_forwarded_headers_from_this_machine_only(site):
    assert trusted_proxies_of(site) == (["127.0.0.0/8", "::1"], ["127.0.0.0/8", "::1"])


def test_scheme_and_host_are_forwarded_as_a_trusted_proxy_said_else_as_seen(site):
    assert "proxy_set_header X-Forwarded-Proto $edquill_forwarded_proto;" in site
    assert "proxy_set_header X-Forwarded-Host $edquill_forwarded_host;" in site
    assert re.search(r"\$edquill_forwarded_proto \{\s*default \$scheme;", site)
    assert re.search(r"\$edquill_forwarded_host \{\s*default \$http_host;", site)


def test_rendering_trusts_the_settings_proxies_in_both_lists(site):
    rendered = render_site(site, Settings().ports, trusted_proxies=("10.0.0.0/8", "fd00::/8"))

    assert trusted_proxies_of(rendered) == (["10.0.0.0/8", "fd00::/8"], ["10.0.0.0/8", "fd00::/8"])


def test_rendering_a_config_without_the_upstreams_fails_clearly():
    with pytest.raises(ValueError, match="edquill_registrar"):
        render_site("server { listen 8080; }", Settings().ports)


def test_rendering_a_config_with_one_server_per_upstream_fails_clearly(site):
    single = re.sub(r"\n\s*server 127\.0\.0\.1:801\d[^;]*;", "", site)

    with pytest.raises(ValueError, match="two servers"):
        render_site(single, Settings().ports)


@pytest.mark.skipif(find_nginx() is None, reason="nginx is not installed")
@pytest.mark.parametrize("pairs", [False, True], ids=["one-instance-each", "pairs"])
def test_nginx_accepts_the_rendered_local_config(tmp_path, pairs):
    settings = replace(Settings(), ports=TEST_PORTS, second_ports=TEST_SECOND_PORTS)
    config = write_local_config(settings, tmp_path, pairs=pairs)

    done = subprocess.run(
        [find_nginx(), "-t", "-p", str(tmp_path), "-c", str(config), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("path", ["/autopay/", "/unsubscribe/", "/staff/invitation/"])
def test_the_paths_of_signed_family_links_stay_out_of_the_access_log(site, path):
    assert re.search(r"^\s*access_log off;", locations(site)[("", path)], re.M)


# Served by every service for the machine it runs on (health checks, Prometheus, the API's
# description) or unused behind the gateway (Flask's own /static): never routed from outside.
INTERNAL_RULES = {"/healthz", "/metrics", "/openapi.json", "/static/<path:filename>"}
APPS = {
    "registrar": "registrar.entrypoints.app",
    "dashboard": "dashboard.entrypoints.app",
    "kpi": "kpi.entrypoints.app",
    "notifier": "notifier.entrypoints.app",
}


def sample_path(rule: str) -> str:
    """A path the URL rule matches: each variable filled with a plausible value."""
    path = re.sub(r"<int:\w+>", "7", rule)
    path = re.sub(r"<path:\w+>", "sample.css", path)
    return re.sub(r"<\w+>", "sample", path)


def served_rules(service: str) -> list[str]:
    app = importlib.import_module(APPS[service]).create_app(development_settings())
    return sorted({rule.rule for rule in app.url_map.iter_rules()} - INTERNAL_RULES)


@pytest.mark.parametrize("service", sorted(APPS))
def test_every_page_and_api_a_service_serves_is_routed_to_it(site, service):
    # A new page or endpoint without its gateway location is the catch-all 404 behind nginx.
    unrouted = {
        rule: upstream_for(site, sample_path(rule))
        for rule in served_rules(service)
        if upstream_for(site, sample_path(rule)) != service
    }
    assert unrouted == {}
