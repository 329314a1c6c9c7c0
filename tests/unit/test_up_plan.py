"""What `edquill up` decides before it starts anything: which programs, which ports, which URLs."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import click
import pytest

from devtools.up import StartupFailed, describe, ensure_ports_free, first_slug
from devtools.up_plan import (
    PROGRAMS,
    Program,
    command_exists,
    development_environment,
    is_available,
    machine_secret_key,
    run_values,
)
from shared.cli import cli
from shared.config import Settings

VAR = Path("/srv/edquill/var")


@pytest.fixture
def values() -> dict:
    return run_values(Settings(), VAR, mail_http_port=8025, relay_metrics_port=9400)


def test_every_placeholder_in_the_table_has_a_value(values):
    for program in PROGRAMS:
        [word.format(**values) for word in program.args]
        if program.listens_on:
            assert int(values[program.listens_on]) > 0


def test_the_relays_get_consecutive_metrics_ports(values):
    assert (values["relay_1_metrics_port"], values["relay_2_metrics_port"]) == (9400, 9401)


def test_program_names_are_unique():
    names = [program.name for program in PROGRAMS]
    assert len(names) == len(set(names))


def test_two_relays_are_in_the_table():
    assert sum(program.args[:2] == ("outbox", "worker") for program in PROGRAMS) == 2


@pytest.mark.parametrize(
    "args, exists",
    [
        (("outbox", "worker"), True),
        (("mailsink",), True),
        (("outbox", "no-such-command"), False),
        (("no-such-group", "worker"), False),
    ],
)
def test_command_exists_follows_the_registered_commands(args, exists):
    assert command_exists(args) is exists


def test_a_server_without_its_app_is_not_available():
    assert not is_available(Program("ghost", ("serve", "registrar"), app="no-such-app"))


@pytest.mark.parametrize("program", [p for p in PROGRAMS if is_available(p)], ids=lambda p: p.name)
def test_each_available_program_accepts_its_arguments(program, values):
    args = [word.format(**values) for word in program.args]
    context = click.Context(cli, info_name="edquill")
    command = cli
    while isinstance(command, click.Group):
        name, command, args = command.resolve_command(context, args)
        context = click.Context(command, info_name=name, parent=context)
    command.make_context(command.name, list(args), parent=context.parent)


def test_urls_go_through_the_gateway_when_it_runs(values):
    lines = "\n".join(
        describe(
            {"registrar", "dashboard", "gateway"}, values, Settings(), "sunrise", "", VAR / "log"
        )
    )

    assert "http://127.0.0.1:8080/admin/registrar" in lines
    assert "http://127.0.0.1:8080/register/sunrise" in lines
    assert "http://127.0.0.1:8080/admin/dashboard" in lines


def test_urls_name_each_service_port_without_a_gateway(values):
    lines = "\n".join(
        describe({"registrar", "dashboard"}, values, Settings(), "sunrise", "", VAR / "log")
    )

    assert "http://127.0.0.1:8001/admin/registrar" in lines
    assert "http://127.0.0.1:8002/admin/dashboard" in lines
    assert "8080" not in lines


def test_a_service_that_is_not_running_gets_no_url(values):
    lines = "\n".join(describe(set(), values, Settings(), None, "", VAR / "log"))

    assert "/admin/registrar" not in lines
    assert "http://127.0.0.1:8025/messages" in lines
    assert "http://127.0.0.1:9401/metrics" in lines


def test_the_demo_seed_output_is_shown_as_the_sign_in(values):
    lines = describe(
        {"registrar"},
        values,
        Settings(),
        "sunrise",
        "email: admin@demo.example\npassword: demo",
        VAR / "log",
    )

    assert "  email: admin@demo.example" in lines
    assert lines[-1] == "Press Ctrl-C to stop."


def test_a_port_in_use_stops_up_before_it_starts_anything(values):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        values["mail_http_port"] = taken.getsockname()[1]

        with pytest.raises(StartupFailed, match=f"port {values['mail_http_port']} \\(mailsink\\)"):
            ensure_ports_free(values, PROGRAMS[:1], gateway_wanted=False)


def test_the_machine_key_is_made_once_private_and_reused(tmp_path):
    key = machine_secret_key(tmp_path)
    assert len(key) >= 32
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert machine_secret_key(tmp_path) == key


def test_up_runs_in_development_with_links_under_the_gateway(tmp_path, monkeypatch):
    for name in ("EDQUILL_SECRET_KEY", "EDQUILL_PUBLIC_URL", "EDQUILL_GATEWAY_PORT"):
        monkeypatch.delenv(name, raising=False)
    env = development_environment(tmp_path, gateway_runs=True)
    assert env["EDQUILL_ENV"] == "development"
    assert env["EDQUILL_PUBLIC_URL"] == "http://127.0.0.1:8080"
    assert env["EDQUILL_SECRET_KEY"] == machine_secret_key(tmp_path)


def test_without_the_gateway_links_go_to_the_registrar(tmp_path, monkeypatch):
    monkeypatch.delenv("EDQUILL_PUBLIC_URL", raising=False)
    monkeypatch.delenv("EDQUILL_REGISTRAR_PORT", raising=False)
    env = development_environment(tmp_path, gateway_runs=False)
    assert env["EDQUILL_PUBLIC_URL"] == "http://127.0.0.1:8001"


def test_an_operators_own_public_url_and_key_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("EDQUILL_PUBLIC_URL", "https://demo.school.example")
    monkeypatch.setenv("EDQUILL_SECRET_KEY", "k" * 40)
    env = development_environment(tmp_path, gateway_runs=True)
    assert (env["EDQUILL_PUBLIC_URL"], env["EDQUILL_SECRET_KEY"]) == (
        "https://demo.school.example",
        "k" * 40,
    )
    assert not (tmp_path / "secret_key").exists()


def test_the_family_form_uses_the_first_school_listed():
    listing = "id\tslug\tname\n3\tsunrise\tSunrise School\n7\tmeadow\tMeadow School"
    assert first_slug(listing) == "sunrise"


def test_no_school_listed_means_no_family_form():
    assert first_slug("id\tslug\tname") is None
