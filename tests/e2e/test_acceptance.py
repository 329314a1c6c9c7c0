"""`edquill acceptance` against a whole running system: every criterion passes on a healthy
one, and a stalled part fails its criterion and the exit."""

from __future__ import annotations

import json
import re
import urllib.request

# Every criterion the check prints, in its order.
CRITERIA = (
    "every service healthy",
    "migrations all applied",
    "outbox triggers present",
    "consumer queues and .dead twins",
    "submission enqueued with its row",
    "event reaches every consumer",
    "lead queue API p95",
    "dashboard summary p95",
    "status change reaches the notifier",
    "KPI figures for the school",
    "outbox: no dead events",
    "outbox: no stuck claims",
    "outbox: backlog",
    "outbox: oldest waiting event",
)
VERDICT = re.compile(r"^(PASS|FAIL)  (.+?)\s{2,}", re.MULTILINE)


def verdicts(output: str) -> dict[str, str]:
    return {criterion: verdict for verdict, criterion in VERDICT.findall(output)}


def test_every_criterion_passes_on_a_running_system(running_system):
    done = running_system.edquill("acceptance", "--url", running_system.base_url)

    assert done.returncode == 0, done.stdout + done.stderr
    assert verdicts(done.stdout) == dict.fromkeys(CRITERIA, "PASS")
    assert f"all {len(CRITERIA)} criteria passed" in done.stdout


def test_stopped_relays_fail_the_event_criterion_and_the_exit(running_system):
    with running_system.relays_paused():
        done = running_system.edquill("acceptance", "--url", running_system.base_url)

    found = verdicts(done.stdout)
    assert done.returncode == 1, done.stdout + done.stderr
    assert found["event reaches every consumer"] == "FAIL"
    assert found["every service healthy"] == "PASS"
    assert "event reaches every consumer" in done.stderr


def test_the_check_rejects_its_tagged_registration_and_revokes_its_token(running_system):
    done = running_system.edquill("acceptance", "--url", running_system.base_url)
    assert done.returncode == 0, done.stdout + done.stderr

    registration_id = re.search(r"registration (\d+):", done.stdout).group(1)
    overview = registration(running_system, registration_id)["overview"]
    assert (overview["status"], overview["guardian_name"]) == ("rejected", "Acceptance check")
    assert revoked_column_of_check_tokens(running_system) == {"revoked"}


def registration(running_system, registration_id: str) -> dict:
    issued = running_system.edquill(
        "token", "issue", "--school-id", str(running_system.school_id), "--role", "viewer"
    )
    request = urllib.request.Request(
        f"{running_system.base_url}/api/admin/self-registration/{registration_id}",
        headers={"Accesstoken": issued.stdout.strip().splitlines()[-1]},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def revoked_column_of_check_tokens(running_system) -> set[str]:
    """For each token the check issued: "revoked" when it is, "-" while it is not."""
    listing = running_system.edquill("token", "list", "--school-id", str(running_system.school_id))
    rows = [line.split("\t") for line in listing.stdout.splitlines()[1:]]
    return {"-" if row[-1] == "-" else "revoked" for row in rows if row[3] == "edquill acceptance"}
