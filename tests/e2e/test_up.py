"""`edquill up` runs the whole system as child processes, and stops every one of them."""

from __future__ import annotations

import json
import os
import signal
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from devtools.gateway import find_nginx
from devtools.up_plan import PROGRAMS, command_exists, is_available
from tests.support.broker import QueueProbe
from tests.support.factories import create_registration, create_school
from tests.support.up_system import System
from tests.support.waiting import wait_until


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, pending = set(), [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.add(child)
            pending.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().split("\0")
    except OSError:
        return []


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def program_available(name: str) -> bool:
    return is_available(next(p for p in PROGRAMS if p.name == name))


@pytest.fixture(scope="module")
def system(settings, tmp_path_factory):
    system = System(settings, tmp_path_factory.mktemp("up"), "--no-seed")
    system.wait_until_up()
    yield system
    system.process.stop()


@pytest.fixture
def own_system(settings, tmp_path):
    """A system of the test's own, to stop or break."""
    system = System(settings, tmp_path / "var", "--no-seed")
    system.wait_until_up()
    yield system
    system.process.stop()


def test_up_prints_the_mail_sink_and_both_relays_metrics(system):
    output = system.process.output()

    assert system.url("mail_http", "/messages") in output
    assert system.url("relay_metrics", "/metrics") in output
    assert f"http://127.0.0.1:{system.ports['relay_metrics'] + 1}/metrics" in output


@pytest.mark.skipif(not program_available("registrar"), reason="no registrar in this install")
def test_up_prints_the_registrar_workspace_url(system):
    base = "gateway" if find_nginx() else "registrar"

    assert system.url(base, "/admin/registrar") in system.process.output()


def test_relays_publish_a_registration_inserted_with_plain_sql(system, settings, registrar_db):
    probe = QueueProbe(settings, f"up-{uuid.uuid4().hex[:6]}", patterns=("selfreg.submitted",))
    try:
        registration_id = create_registration(registrar_db, create_school(registrar_db))

        def processed_at():
            with registrar_db.cursor() as cursor:
                cursor.execute(
                    "SELECT processed_at FROM t_event_outbox "
                    "WHERE aggregate_id = %s AND event_type = 'selfreg.submitted'",
                    (registration_id,),
                )
                row = cursor.fetchone()
            return row and row["processed_at"]

        wait_until(processed_at, timeout=30, what="the submitted event to be processed")
        bodies = probe.bodies(1, timeout=10)
    finally:
        probe.delete()
    assert [body["aggregate_id"] for body in bodies] == [registration_id]


def test_the_mail_sink_listing_answers_with_json(system):
    status, body = get(system.url("mail_http", "/messages"))

    assert status == 200
    assert isinstance(json.loads(body), list)


@pytest.mark.skipif(find_nginx() is None, reason="nginx is not installed")
def test_the_gateway_answers_its_own_health_check(system):
    status, body = get(system.url("gateway", "/healthz"))

    assert (status, json.loads(body)) == (200, {"status": "ok"})


@pytest.mark.skipif(
    find_nginx() is None or not program_available("registrar"),
    reason="needs nginx and the registrar",
)
def test_the_gateway_passes_registrar_paths_through(system):
    path = "/api/admin/self-registration"

    assert get(system.url("gateway", path)) == get(system.url("registrar", path))


@pytest.mark.skipif(not command_exists(("demo", "seed")), reason="no demo seed in this install")
def test_up_seeds_the_demo_school_and_prints_its_family_form(settings, tmp_path):
    system = System(settings, tmp_path / "var")
    try:
        output = system.wait_until_up()
    finally:
        system.process.stop()

    assert "Demo data (edquill demo seed):" in output
    assert "/register/" in output


def test_sigterm_stops_every_child_and_exits_zero(own_system):
    children = descendants(own_system.process.pid)
    assert children

    own_system.process.send_signal(signal.SIGTERM)
    own_system.process.process.wait(timeout=60)

    assert own_system.process.returncode == 0, own_system.process.output()
    wait_until(
        lambda: not any(alive(pid) for pid in children), timeout=10, what="every child to be gone"
    )


def test_a_child_that_dies_stops_the_rest_with_a_nonzero_exit(own_system):
    children = descendants(own_system.process.pid)
    metrics_port = str(own_system.ports["relay_metrics"] + 1)
    (relay,) = [pid for pid in children if metrics_port in command_line(pid)]

    os.kill(relay, signal.SIGKILL)
    own_system.process.process.wait(timeout=60)

    assert own_system.process.returncode != 0
    assert "relay-2 exited" in own_system.process.output()
    wait_until(
        lambda: not any(alive(pid) for pid in children),
        timeout=10,
        what="every other child to be gone",
    )
