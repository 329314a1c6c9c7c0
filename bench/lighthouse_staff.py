"""Lighthouse on the staff pages a school runs itself from, with the demo's three schools: the
classes page, staff, messages, settings, the audit trail and a registration's printable record,
each signed in as Demo Academy's admin, through the gateway as a school reaches them; and the
page an invited colleague's link opens to set a password.

What it does, on this machine with the real MariaDB and RabbitMQ:
  * runs `edquill up` (migrations, `edquill demo seed`: three schools, eight weeks of history
    each, every service, worker and relay, the mail sink and the nginx gateway) on free ports
    with databases of its own (prefix edqbench_lhs_<run>_), and waits until every demo event
    has reached every consumer, so the message log and the audit trail hold their history;
  * signs the admin in as /login does (registrar.service_layer.sign_in) for the session cookie;
  * runs Lighthouse (bench/node's pinned version, Debian's chromium) on each page, mobile
    (emulated phone, slow 4G, 4x slower CPU) and desktop, with the cookie.
Prints one JSON object: each page's performance and accessibility scores (0-100), main metrics
and failed accessibility audits, and whether every page meets the targets. The databases are
dropped at the end unless --keep.

    .venv/bin/python -m bench.lighthouse_staff > result.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from bench.harness import (
    EDQUILL,
    LIGHTHOUSE_VERSION,
    bench_settings,
    drop_databases,
    env_for,
    lighthouse_command,
    log,
    stop,
)
from bench.lighthouse import TARGETS, lighthouse
from registrar.entrypoints.demo import DEMO_PASSWORD
from registrar.service_layer import sign_in, staff_invitations
from shared import db
from shared.config import Settings
from shared.sessions import SESSION_COOKIE
from shared.signing import KeyRing
from shared.staff_invitation_links import PATH_PREFIX, InvitationLink, invitation_path

PAGES = ("classes", "staff", "messages", "settings", "audit", "record", "invitation")
INVITED = "new.colleague@demo.edquill.test"
ADMIN = "admin@demo.edquill.test"
# `up` prints this once everything answers.
READY_LINE = "Press Ctrl-C to stop."
# Three schools' seed and a cold start of everything on a 2-core machine, then their history
# (about 2,400 events and 750 e-mails) through the relays and consumers.
START_TIMEOUT_S = 420
DRAINED_TIMEOUT_S = 420
# Each of `up`'s listeners gets a port of this block.
LISTENERS = ("registrar", "dashboard", "kpi", "notifier", "gateway", "smtp", "mail_http", "relay")


class DemoSystem:
    """`edquill up` with the demo seeded, on ports and databases of the run's own."""

    def __init__(self, settings: Settings, var_dir: Path, first_port: int):
        self.ports = {name: first_port + n for n, name in enumerate(LISTENERS)}
        self.settings = replace(settings, smtp_url=f"smtp://127.0.0.1:{self.ports['smtp']}")
        env = {
            f"EDQUILL_{name.upper()}_PORT": str(self.ports[name])
            for name in ("registrar", "dashboard", "kpi", "notifier", "gateway")
        }
        for name in ("registrar", "dashboard", "kpi", "notifier"):
            env[f"EDQUILL_{name.upper()}_URL"] = f"http://127.0.0.1:{self.ports[name]}"
        self._output = var_dir / "up.log"
        self._log = self._output.open("w")
        self.process = subprocess.Popen(
            [
                EDQUILL,
                "up",
                "--var-dir",
                str(var_dir),
                "--mail-http-port",
                str(self.ports["mail_http"]),
                "--relay-metrics-port",
                str(self.ports["relay"]),
            ],
            env=env_for(self.settings, **env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while READY_LINE not in self._output.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"edquill up did not come up:\n{self._output.read_text()}")
            time.sleep(1)

    def wait_until_drained(self) -> None:
        """Until every consumer's inbox holds as many events as the outbox has published."""
        connection = db.connect(self.settings)
        deadline = time.monotonic() + DRAINED_TIMEOUT_S
        try:
            while time.monotonic() < deadline:
                if len(set(self._event_counts(connection))) == 1:
                    return
                time.sleep(2)
            raise RuntimeError(f"the demo's events were not all handled: {self._event_counts}")
        finally:
            connection.close()

    def _event_counts(self, connection) -> list[int]:
        counts = []
        with connection.cursor() as cursor:
            for service in ("registrar", "kpi", "dashboard", "notifier"):
                table = "t_event_outbox" if service == "registrar" else "t_event_inbox"
                # Database names come from Settings, which allows only [A-Za-z0-9_].
                cursor.execute(
                    f"SELECT COUNT(*) AS n FROM `{self.settings.database(service)}`.{table}"
                )
                counts.append(cursor.fetchone()["n"])
        connection.commit()
        return counts

    def stop(self) -> None:
        stop(self.process, timeout=60)
        self._log.close()


def signed_in_admin(settings: Settings) -> tuple[str, int, int]:
    """The admin's session token, the school's id and its registration with the longest
    history (the record page's subject)."""
    connection = db.connect(settings, "registrar")
    try:
        token = sign_in.sign_in(connection, ADMIN, DEMO_PASSWORD, "127.0.0.1")
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM schools WHERE slug = 'demo'")
            school_id = cursor.fetchone()["id"]
            cursor.execute(
                "SELECT entity_id, COUNT(*) AS entries FROM t_audit_log "
                "WHERE school_id = %s AND entity_type = 'registration' "
                "GROUP BY entity_id ORDER BY entries DESC, entity_id LIMIT 1",
                (school_id,),
            )
            registration_id = cursor.fetchone()["entity_id"]
        return token, school_id, registration_id
    finally:
        connection.close()


def invitation_page(settings: Settings, school_id: int) -> str:
    """The path of a fresh invitation's link, signed as the notifier signs it for the e-mail."""
    connection = db.connect(settings, "registrar")
    try:
        invited = staff_invitations.invite(
            connection, school_id, INVITED, "registrar", ADMIN, datetime.now(timezone.utc)
        )
    finally:
        connection.close()
    link = InvitationLink(school_id, invited["id"], invited["expires_at"])
    return invitation_path(KeyRing.of(settings), link)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=PAGES)
    parser.add_argument(
        "--first-port", type=int, default=18100, help="the first of 8 consecutive free ports"
    )
    options = parser.parse_args()
    lighthouse_command()  # installed before anything is made, so a failed install costs nothing
    settings = bench_settings("lhs")
    system = None
    try:
        with tempfile.TemporaryDirectory(prefix="edqbench-lhs-") as folder:
            var_dir = Path(folder)
            # nginx's worker (nobody, when run as root) reads and writes under var/.
            var_dir.chmod(0o755)
            system = DemoSystem(settings, var_dir, options.first_port)
            log("edquill up: seeding the demo's three schools and starting everything")
            system.wait_until_up()
            system.wait_until_drained()
            token, school_id, registration_id = signed_in_admin(settings)
            log(f"demo school {school_id}; record of registration {registration_id}")
            base = system.base_url
            paths = {
                "classes": "/admin/classes",
                "staff": "/admin/staff",
                "messages": "/admin/messages",
                "settings": "/admin/settings",
                "audit": "/admin/audit",
                "record": f"/admin/registrar/registrations/{registration_id}/record",
                "invitation": invitation_page(settings, school_id),
            }
            cookie = f"{SESSION_COOKIE}={token}"
            results = {"lighthouse": LIGHTHOUSE_VERSION, "targets": TARGETS, "pages": {}}
            for name in options.pages:
                results["pages"][name] = {}
                # The invited colleague has no session yet: the link is their credential.
                page_cookie = None if name == "invitation" else cookie
                for form_factor, desktop in (("mobile", False), ("desktop", True)):
                    log(f"lighthouse {name} ({form_factor})")
                    scores = lighthouse(base + paths[name], page_cookie, desktop)
                    scores["final_url"] = scores["final_url"].split(PATH_PREFIX)[0] + (
                        PATH_PREFIX + "{token}" if PATH_PREFIX in scores["final_url"] else ""
                    )
                    results["pages"][name][form_factor] = scores
            results["meets_targets"] = all(
                scores["performance"] >= TARGETS["performance"]
                and scores["accessibility"] >= TARGETS["accessibility"]
                and not scores["final_url"].endswith("/login")
                for page in results["pages"].values()
                for scores in page.values()
            )
            system.stop()
            system = None
        print(json.dumps(results, indent=2))
    finally:
        if system is not None:
            system.stop()
        if not options.keep:
            drop_databases(settings)


if __name__ == "__main__":
    main()
