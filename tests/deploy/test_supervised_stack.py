"""deploy/supervisor/edquill.conf running under supervisord, with the runbook's commands."""
from __future__ import annotations

import pytest

from tests.deploy.conftest import all_running
from tests.support.waiting import wait_until

pytestmark = pytest.mark.deploy

PROGRAMS = {"edquill:relay-0", "edquill:relay-1", "edquill:notifier-worker",
            "edquill:kpi-worker", "edquill:dashboard-worker", "edquill:registrar",
            "edquill:dashboard", "edquill:kpi", "edquill:notifier"}


def test_every_program_is_running(running_stack):
    assert running_stack.statuses() == {program: "RUNNING" for program in PROGRAMS}
