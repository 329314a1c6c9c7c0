"""deploy/supervisor/edquill.conf running under supervisord, with the runbook's commands."""

from __future__ import annotations

import os
import signal
import urllib.error
import urllib.request

import pytest

from shared import db
from tests.deploy.conftest import LOG_MAX_BYTES, all_running
from tests.support.outbox import create_registrations
from tests.support.waiting import wait_until

pytestmark = pytest.mark.deploy

PROGRAMS = {
    "edquill:relay-0",
    "edquill:relay-1",
    "edquill:notifier-worker",
    "edquill:kpi-worker",
    "edquill:dashboard-worker",
    "edquill:registrar",
    "edquill:registrar-2",
    "edquill:dashboard",
    "edquill:dashboard-2",
    "edquill:kpi",
    "edquill:kpi-2",
    "edquill:notifier",
    "edquill:notifier-2",
}
# Enough events that a SIGKILL lands while some are still on their way.
REGISTRATIONS = 300


def test_every_program_is_running(running_stack):
    assert running_stack.statuses() == {program: "RUNNING" for program in PROGRAMS}


def test_reread_and_update_find_nothing_to_change_in_the_shipped_file(running_stack):
    assert running_stack.supervisorctl("reread").strip() == "No config updates to processes"
    running_stack.supervisorctl("update")

    assert running_stack.statuses() == {program: "RUNNING" for program in PROGRAMS}


def test_stop_and_start_the_group_as_the_runbook_does(running_stack):
    running_stack.supervisorctl("stop", "edquill:*")
    assert set(running_stack.statuses().values()) == {"STOPPED"}

    running_stack.supervisorctl("start", "edquill:*")
    wait_until(
        lambda: all_running(running_stack),
        timeout=120,
        interval=1,
        what="every program RUNNING again after start edquill:*",
    )


def _gateway_answer(stack, path: str) -> tuple[int, str]:
    url = f"http://127.0.0.1:{stack.ports.gateway}{path}"
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()


@pytest.mark.parametrize(
    "service, path", [("registrar", "/api/admin/teachers"), ("kpi", "/api/kpi/daily")]
)
def test_with_one_instance_of_a_pair_stopped_the_gateway_still_reaches_the_service(
    running_stack, service, path
):
    running_stack.supervisorctl("stop", f"edquill:{service}")
    try:
        answers = [_gateway_answer(running_stack, path) for _ in range(4)]
    finally:
        running_stack.supervisorctl("start", f"edquill:{service}")

    # No token: the service itself refuses (401), not the gateway finding no instance (503).
    assert [status for status, _body in answers] == [401] * 4, answers
    assert all('"unauthorized"' in body.replace(" ", "") for _status, body in answers), answers


def registrations_counted_by_the_dashboard(stack, school_id: int) -> int:
    connection = db.connect(stack.settings, "dashboard")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(SUM(registrations), 0) AS counted "
                "FROM t_dashboard_status_total WHERE school_id = %s",
                (school_id,),
            )
            return int(cursor.fetchone()["counted"])
    finally:
        connection.close()


def unpublished(stack) -> int:
    connection = db.connect(stack.settings, "registrar")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) AS waiting FROM t_event_outbox "
                "WHERE processed_at IS NULL AND dead_at IS NULL"
            )
            return int(cursor.fetchone()["waiting"])
    finally:
        connection.close()


def create_school(stack, slug: str) -> int:
    done = stack.edquill("school", "create", "--name", f"Deploy {slug}", "--slug", slug)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("program", ["edquill:dashboard-worker", "edquill:relay-0"])
def test_a_program_killed_with_sigkill_comes_back_and_nothing_is_lost_or_counted_twice(
    running_stack, program
):
    school_id = create_school(running_stack, f"killed-{program.split(':')[1]}")
    before = running_stack.pid_of(program)
    connection = db.connect(running_stack.settings, "registrar")
    try:
        create_registrations(connection, school_id, REGISTRATIONS)
    finally:
        connection.close()
    os.kill(before, signal.SIGKILL)

    wait_until(
        lambda: (
            running_stack.statuses()[program] == "RUNNING"
            and running_stack.pid_of(program) not in (0, before)
        ),
        timeout=60,
        interval=0.5,
        what=f"supervisor to restart {program}",
    )
    wait_until(
        lambda: (
            registrations_counted_by_the_dashboard(running_stack, school_id) >= REGISTRATIONS
            and unpublished(running_stack) == 0
        ),
        timeout=90,
        interval=0.5,
        what="every registration counted by the dashboard",
    )
    assert registrations_counted_by_the_dashboard(running_stack, school_id) == REGISTRATIONS


def test_logs_rotate_at_the_configured_size_keeping_the_configured_count(running_stack):
    """The shipped 10 MB x 5, at LOG_MAX_BYTES here: a stack that starts and handles the tests
    above writes more than that to some logs."""
    logs = running_stack.layout.logs
    limit = int(LOG_MAX_BYTES.removesuffix("KB")) * 1024
    rotated = sorted(path.name for path in logs.glob("*.log.1"))

    assert rotated, sorted(path.name for path in logs.iterdir())
    for path in logs.glob("*.log.*"):
        assert int(path.suffix.lstrip(".")) <= 5, path.name
        # supervisor rotates once a write takes a file past the limit: one write over at most.
        assert path.stat().st_size < limit + 8192, path.name
