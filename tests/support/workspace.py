"""The registrar's pages as the browser tests use them: the running services (registrar and
notifier HTTP servers, an outbox relay, the notifier worker sending into an in-process mail
sink), a demo school with classes, fees and a staff account, and a little HTTP client."""

from __future__ import annotations

import json
import secrets
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from devtools.mailsink import MailSink
from devtools.ports import free_port
from registrar.adapters import billing_store, classes_store
from registrar.adapters.tokens_store import issue_token
from shared import db
from shared.config import Settings
from tests.support.factories import create_school
from tests.support.notifier import notifier_knows_school
from tests.support.processes import EDQUILL, EdquillProcess, answers
from tests.support.servers import environment
from tests.support.waiting import wait_until

# A cold gunicorn start on a busy 2-core machine.
START_TIMEOUT = 60
STAFF_PASSWORD = "correct horse battery staple"
# Chromium as Debian installs it; never a downloaded browser.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class RunningSystem:
    registrar_url: str
    notifier_url: str
    sink: MailSink
    processes: list[EdquillProcess]
    # Where the registrar looks for the dashboard: nothing listens there unless a test serves
    # the dashboard on that port (tests/support/dashboard.py DashboardOnClock).
    dashboard_url: str = ""

    def stop(self) -> None:
        for process in self.processes:
            process.stop()


@dataclass
class DemoSchool:
    id: int
    slug: str
    staff_email: str
    admin_token: str
    registrar_token: str
    schedules: dict[str, int]
    teachers: dict[str, int]


def start_system(
    settings: Settings, var_dir: Path, extra_env: dict[str, str] | None = None
) -> RunningSystem:
    """The registrar and notifier on free ports, one outbox relay and one notifier worker;
    `extra_env` is given to every process (EDQUILL_PUBLIC_URL, say)."""
    sink = MailSink(var_dir / "mail").start()
    registrar_port, notifier_port = free_port(), free_port()
    registrar_url = f"http://127.0.0.1:{registrar_port}"
    notifier_url = f"http://127.0.0.1:{notifier_port}"
    dashboard_url = f"http://127.0.0.1:{free_port()}"
    env = {
        "EDQUILL_REGISTRAR_URL": registrar_url,
        "EDQUILL_NOTIFIER_URL": notifier_url,
        "EDQUILL_DASHBOARD_URL": dashboard_url,
        "EDQUILL_SMTP_URL": sink.url,
        "EDQUILL_REGISTRAR_PORT": str(registrar_port),
        "EDQUILL_NOTIFIER_PORT": str(notifier_port),
        "EDQUILL_DOCUMENTS_DIR": str(var_dir / "documents"),
        **(extra_env or {}),
    }
    processes = [
        EdquillProcess(settings, "serve", "registrar", "--workers", "2", extra_env=env),
        EdquillProcess(settings, "serve", "notifier", "--workers", "1", extra_env=env),
        EdquillProcess(
            settings, "outbox", "worker", "--lease-seconds", "3", "--sleep-ms", "50", extra_env=env
        ),
        EdquillProcess(settings, "notifier", "worker", extra_env=env),
    ]
    system = RunningSystem(registrar_url, notifier_url, sink, processes, dashboard_url)
    try:
        for url in (registrar_url, notifier_url):
            wait_until(
                lambda url=url: answers(f"{url}/healthz") or _any_exited(processes),
                timeout=START_TIMEOUT,
                what=f"{url}/healthz",
            )
        exited = _any_exited(processes)
        assert not exited, exited
    except BaseException:
        system.stop()
        sink.stop()
        raise
    return system


def _any_exited(processes: list[EdquillProcess]) -> str:
    return "\n".join(
        f"{' '.join(p.args)} exited:\n{p.output()}" for p in processes if not p.running
    )


def create_demo_school(settings: Settings, connection, notifier_url: str) -> DemoSchool:
    """A school with the demo's teachers, classes and fees, the autopay flag on, status
    e-mails for in_review turned on in the notifier, and a registrar account."""
    school_id = create_school(connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT slug FROM schools WHERE id = %s", (school_id,))
        slug = cursor.fetchone()["slug"]
    with db.transaction(connection) as cursor:
        seeded = classes_store.seed_demo(cursor, school_id)
        billing_store.seed_demo(cursor, school_id)
        cursor.execute(
            "INSERT INTO t_feature_flag (school_id, flag_key, enabled) VALUES (%s, 'autopay', 1)",
            (school_id,),
        )
    email = f"registrar-{secrets.token_hex(4)}@school.example"
    create_user_with_command(settings, school_id, email, "registrar", STAFF_PASSWORD)
    admin_token = issue_token(connection, school_id, "admin")
    notifier_db = db.connect(settings, "notifier")
    try:
        wait_until(
            lambda: notifier_knows_school(notifier_db, school_id),
            timeout=30,
            what="the notifier to learn of the school (school.created)",
        )
    finally:
        notifier_db.close()
    status, answer = call(
        f"{notifier_url}/api/messages/settings",
        admin_token,
        "PUT",
        {
            "quiet_hours_start": "21:00",
            "quiet_hours_end": "08:00",
            "status_updates": ["in_review"],
            "reminders_enabled": False,
            "needs_info_reminder_hours": 72,
            "invoice_reminder_hours": 168,
        },
    )
    assert status == 200, answer
    return DemoSchool(
        school_id,
        slug,
        email,
        admin_token,
        issue_token(connection, school_id, "registrar"),
        seeded["schedules"],
        seeded["teachers"],
    )


def create_user_with_command(
    settings: Settings, school_id: int, email: str, role: str, password: str
) -> None:
    """`edquill user create`, as an operator makes an account (password on stdin)."""
    done = subprocess.run(
        [
            EDQUILL,
            "user",
            "create",
            "--school-id",
            str(school_id),
            "--email",
            email,
            "--role",
            role,
        ],
        input=password + "\n",
        env=environment(settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def call(url: str, token: str, method: str = "GET", body: dict | None = None):
    """(status, JSON answer) of an API call with an Accesstoken."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Accesstoken": token, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def unique_family_email() -> str:
    return f"family-{secrets.token_hex(5)}@families.example"


# The notifier worker, relay and SMTP sink in series: seconds on a quiet machine.
DELIVERY_TIMEOUT = 60


def mail_to(sink, address: str) -> list:
    return [message for message in sink.messages() if address in message.rcpt_tos]


def wait_for_mail(sink, address: str, containing: str) -> str:
    """The plain-text body of the first message to `address` that contains `containing`."""

    def found():
        bodies = [
            message.parsed().get_body(("plain",)).get_content()
            for message in mail_to(sink, address)
        ]
        return next((body for body in bodies if containing in body), None)

    return wait_until(
        found, timeout=DELIVERY_TIMEOUT, what=f"an e-mail to {address} about {containing!r}"
    )
