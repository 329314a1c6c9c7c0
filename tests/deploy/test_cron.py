"""Each entry of deploy/cron/edquill run once, as cron runs it: its command line through
/bin/sh with the file's own SHELL and PATH, the roots rendered into the stack's prefix."""

from __future__ import annotations

import subprocess

import pytest

from tests.deploy import layout as deploy_layout
from tests.deploy.layout import DEPLOY

pytestmark = pytest.mark.deploy

CRON_FILE = (DEPLOY / "cron" / "edquill").read_text()
JOBS = deploy_layout.cron_jobs(CRON_FILE)


@pytest.mark.parametrize("job", JOBS, ids=[job.command.split(">>")[0][-40:] for job in JOBS])
def test_each_cron_entry_runs_once_and_succeeds(running_stack, job):
    command = deploy_layout.cron_command(running_stack.layout.render_roots(job.command))
    environment = {**deploy_layout.cron_environment(CRON_FILE), "HOME": "/root"}

    done = subprocess.run(
        [environment.get("SHELL", "/bin/sh"), "-c", command],
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )

    cron_log = running_stack.layout.logs / "cron.log"
    log = cron_log.read_text() if cron_log.exists() else ""
    assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}\n{log[-2000:]}"


def test_the_nightly_backup_lands_where_the_cleanup_looks(running_stack):
    backups = running_stack.layout.path("/var/backups/edquill")
    [backup] = [job for job in JOBS if " backup --out " in job.command]
    command = deploy_layout.cron_command(running_stack.layout.render_roots(backup.command))
    subprocess.run(
        ["/bin/sh", "-c", command],
        env=deploy_layout.cron_environment(CRON_FILE),
        timeout=180,
        check=True,
    )

    assert list(backups.glob("edquill-*.backup"))
