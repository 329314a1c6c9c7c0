"""The rendering of deploy/ into a prefix (tests/deploy/layout.py), and the alert rules'
own checks (promtool, amtool). Needs no running servers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deploy import layout
from tests.deploy.layout import DEPLOY, Layout, Ports, RenderError

PORTS = Ports(
    services={"registrar": 31001, "dashboard": 31002, "kpi": 31003, "notifier": 31004},
    gateway=31080,
    relay_prefix=321,
    workers={"notifier": 31010, "kpi": 31011, "dashboard": 31012},
    prometheus=31090,
    alertmanager=31093,
    rabbitmq_metrics=31692,
    second_services={"registrar": 31101, "dashboard": 31102, "kpi": 31103, "notifier": 31104},
)
LAYOUT = Layout(Path("/tmp/edq-x"), user="tester")


def shipped(*parts: str) -> str:
    return DEPLOY.joinpath(*parts).read_text()


def test_every_root_moves_under_the_prefix_and_the_user_is_ours():
    rendered = layout.render_supervisor(LAYOUT, shipped("supervisor", "edquill.conf"), PORTS, "4KB")
    for root in layout.ROOTS[:4]:
        assert root in rendered
        assert rendered.count(root) == rendered.count(f"{LAYOUT.prefix}{root}"), root
    assert "user = edquill" not in rendered
    assert "user = tester" in rendered


def test_ports_and_log_size_are_the_stacks():
    rendered = layout.render_supervisor(LAYOUT, shipped("supervisor", "edquill.conf"), PORTS, "4KB")
    assert "--metrics-port 321%(process_num)02d" in rendered
    assert "notifier worker --metrics-port 31010" in rendered
    assert "stdout_logfile_maxbytes = 4KB" in rendered
    assert "10MB" not in rendered


def test_the_shipped_files_rotate_logs_at_10_mb_keeping_five():
    text = shipped("supervisor", "edquill.conf")
    assert text.count("stdout_logfile_maxbytes = 10MB") == text.count("[program:")
    assert text.count("stdout_logfile_backups = 5") == text.count("[program:")


def test_prometheus_scrapes_the_stacks_ports():
    rendered = layout.render_prometheus(
        shipped("prometheus", "prometheus.yml"), PORTS, "1s", rabbitmq=False
    )
    for port in (31001, 31004, 31101, 31104, 32100, 32101, 31010, 31012, 31093):
        assert f'"127.0.0.1:{port}"' in rendered
    assert "job_name: rabbitmq" not in rendered
    assert "scrape_interval: 1s" in rendered


def test_prometheus_scrapes_the_stacks_own_broker():
    rendered = layout.render_prometheus(
        shipped("prometheus", "prometheus.yml"), PORTS, "1s", rabbitmq=True
    )
    assert "job_name: rabbitmq" in rendered
    assert '"127.0.0.1:31692"' in rendered and "15692" not in rendered


def test_thresholds_are_test_sized_in_the_rendered_copy_only():
    rendered = layout.render_alerts(
        shipped("prometheus", "alerts.yml"), "2s", {"EdquillConsumerLag": "10"}
    )
    lag = yaml.safe_load(rendered)["groups"]
    [expr] = [r["expr"] for g in lag for r in g["rules"] if r["alert"] == "EdquillConsumerLag"]
    assert expr.endswith("> 10")
    assert '.dead"}) > 500' in shipped("prometheus", "alerts.yml")


def test_a_threshold_for_a_rule_that_is_not_there_fails_rendering():
    with pytest.raises(RenderError):
        layout.render_alerts(shipped("prometheus", "alerts.yml"), "2s", {"NoSuchAlert": "1"})


def rendered_alertmanager() -> str:
    return layout.render_alertmanager(
        shipped("alertmanager", "alertmanager.yml"), "http://127.0.0.1:31999", "1s"
    )


def test_alertmanager_delivers_each_receiver_to_its_webhook_with_the_routes_kept():
    rendered = yaml.safe_load(rendered_alertmanager())
    original = yaml.safe_load(shipped("alertmanager", "alertmanager.yml"))

    assert rendered["route"]["routes"] == original["route"]["routes"]
    assert {r["name"]: r["webhook_configs"][0]["url"] for r in rendered["receivers"]} == {
        r["name"]: f"http://127.0.0.1:31999/{r['name']}" for r in original["receivers"]
    }
    assert rendered["route"]["group_wait"] == "1s"


def test_amtool_accepts_the_rendered_alertmanager_config(tmp_path):
    config = tmp_path / "alertmanager.yml"
    config.write_text(rendered_alertmanager())
    done = subprocess.run(
        [tool("amtool"), "check-config", str(config)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_rendering_fails_when_a_shipped_file_lost_what_it_substitutes():
    with pytest.raises(RenderError):
        layout.render_supervisor(LAYOUT, "[program:x]\ncommand = true\n", PORTS, "4KB")


def test_alert_holds_are_test_sized_in_the_rendered_copy_only():
    rendered = layout.render_alerts(shipped("prometheus", "alerts.yml"), "2s")
    assert "for: 2s" in rendered and "for: 5m" not in rendered
    assert "for: 5m" in shipped("prometheus", "alerts.yml")


def test_cron_commands_are_what_cron_hands_the_shell():
    assert layout.cron_command(r"x --out a-$(date +\%Y).b") == "x --out a-$(date +%Y).b"
    assert layout.cron_command("x % stdin") == "x "


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(
            f"{name} is not installed (Debian package prometheus / "
            "prometheus-alertmanager; .ci/run installs it)"
        )
    return path


def test_promtool_checks_the_rules():
    done = subprocess.run(
        [tool("promtool"), "check", "rules", "alerts.yml"],
        cwd=DEPLOY / "prometheus",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_promtool_unit_tests_of_every_rule_pass():
    done = subprocess.run(
        [tool("promtool"), "test", "rules", "alerts_test.yml"],
        cwd=DEPLOY / "prometheus",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_rule_has_a_promtool_unit_test():
    rules = {
        rule["alert"]
        for group in yaml.safe_load(shipped("prometheus", "alerts.yml"))["groups"]
        for rule in group["rules"]
    }
    tested = {
        case["alertname"]
        for test in yaml.safe_load(shipped("prometheus", "alerts_test.yml"))["tests"]
        for case in test["alert_rule_test"]
    }
    assert rules <= tested


def test_amtool_accepts_the_alertmanager_config():
    done = subprocess.run(
        [tool("amtool"), "check-config", str(DEPLOY / "alertmanager" / "alertmanager.yml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
