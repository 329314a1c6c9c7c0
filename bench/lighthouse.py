"""Lighthouse on the registrar's pages: the workspace (a school with 1,000 registrations in
one stage, paged) with and without a detail panel open, the classes page (the demo's
teachers with their week grids, and the forms a registrar gets), the family's form, and
the pages a family link opens: a placed registration's status page (in Spanish, the
registration's language) and a needs-info registration's page (where the family answers).

What it does, on this machine with the real MariaDB:
  * makes databases of its own (prefix edqbench_lh_<run>_) with one school: the demo's
    teachers, classes and fees, 1,000 pending registrations and a few in every other stage;
  * signs a registrar in as /login does (registrar.service_layer.sign_in) to get the session token;
  * starts `edquill serve registrar` (gunicorn) on a free port;
  * signs the family links as the notifier does (shared.family_links);
  * runs Lighthouse (the version bench/node/package-lock.json pins, installed by `npm ci`
    into ~/.cache/edquill-bench, outside the repository) with Debian's chromium
    (CHROME_PATH=/usr/bin/chromium), on each page, mobile (Lighthouse's default: emulated
    phone, simulated slow 4G and a 4x slower CPU) and desktop,
    with the session cookie sent by --extra-headers for the workspace;
  * times the board's HTML over HTTP (median of SAMPLES requests), to show paging keeps it
    fast however large a stage grows.
Prints one JSON object on stdout: each page's performance and accessibility scores (0-100),
its main metrics and any accessibility audit that failed; progress goes to stderr. The
databases are dropped at the end unless --keep.

    .venv/bin/python -m bench.lighthouse [--registrations 1000] > result.json
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import time
import urllib.request
from datetime import datetime, timezone

from bench.harness import (
    EDQUILL,
    LIGHTHOUSE_VERSION,
    bench_settings,
    drop_databases,
    env_for,
    failed_accessibility_audits,
    lighthouse_command,
    lighthouse_metrics,
    log,
    run_lighthouse,
    stop,
    wait_until_healthy,
)
from devtools.ports import free_port
from registrar.adapters import billing_store, classes_store, placements_store
from registrar.adapters.users_store import create_user
from registrar.service_layer import sign_in
from shared import db, migrations
from shared.config import Settings
from shared.family_links import FAMILY_LINK_LIFETIME, FamilyLink, family_path
from shared.sessions import SESSION_COOKIE
from shared.signing import KeyRing

TARGETS = {"performance": 95, "accessibility": 100}
# A cold gunicorn loads the app in each worker before /healthz answers.
SERVER_START_SECONDS = 60
# Board requests timed for the median: enough to smooth out one slow request.
SAMPLES = 20
PAGES = (
    "workspace_board",
    "workspace_panel",
    "classes",
    "family_form",
    "family_status",
    "family_needs_info",
)
PASSWORD = "bench password for lighthouse"
# Registrations in each stage besides the large pending one, so every column has cards.
OTHER_STAGES = {"in_review": 30, "needs_info": 12, "approved": 20, "converted": 25, "rejected": 15}
FAMILY_EMAIL = "family@example.com"
FAMILY_TOKEN = re.compile(r"/family/[^/?#]+")
NEEDS_INFO_NOTE = "Please send a copy of the birth certificate and a recent report."
NEEDS_INFO_MISSING = '["birth certificate", "previous school report"]'


def seed(settings: Settings, pending: int) -> dict:
    """The school, its registrations and a staff account; returns what the pages need."""
    connection = db.connect(settings, "registrar")
    try:
        with db.transaction(connection) as cursor:
            cursor.execute(
                "INSERT INTO schools (name, slug, timezone, currency, created_at) "
                "VALUES ('Sunrise Music School', 'sunrise', 'Europe/London', "
                "'GBP', UTC_TIMESTAMP(6))"
            )
            school_id = cursor.lastrowid
            classes = classes_store.seed_demo(cursor, school_id)
            billing_store.seed_demo(cursor, school_id)
        rows = [
            (school_id, "pending", f"Pupil{n:04d}", "Pending", f"family{n}@example.com")
            for n in range(pending)
        ]
        for stage, count in OTHER_STAGES.items():
            rows += [
                (
                    school_id,
                    stage,
                    f"Pupil{n:02d}",
                    stage.replace("_", " ").title(),
                    f"{stage}{n}@example.com",
                )
                for n in range(count)
            ]
        with db.transaction(connection) as cursor:
            cursor.executemany(
                "INSERT INTO student_self_registrations (school_id, status, student_first_name, "
                "student_last_name, guardian_email) VALUES (%s, %s, %s, %s, %s)",
                rows,
            )
            cursor.execute(
                "SELECT MAX(id) AS newest FROM student_self_registrations "
                "WHERE school_id = %s AND status = 'in_review'",
                (school_id,),
            )
            open_registration = cursor.fetchone()["newest"]
        with db.transaction(connection) as cursor:
            families = seed_families(cursor, school_id, classes["schedules"])
        email = "registrar@sunrise.example"
        create_user(connection, school_id, email, "registrar", PASSWORD)
        token = sign_in.sign_in(connection, email, PASSWORD, "127.0.0.1")
        return {
            "school_id": school_id,
            "slug": "sunrise",
            "token": token,
            "open_registration": open_registration,
            **families,
        }
    finally:
        connection.close()


def seed_families(cursor, school_id: int, schedules: dict) -> dict:
    """The two registrations whose family pages are measured: one in review, placed in a class
    and read in Spanish, and one the school asked for more information about."""
    cursor.execute(
        "INSERT INTO student_self_registrations (school_id, status, student_first_name, "
        "student_last_name, guardian_email, language) "
        "VALUES (%s, 'in_review', 'Lucía', 'García', %s, 'es')",
        (school_id, FAMILY_EMAIL),
    )
    placed = cursor.lastrowid
    placements_store.place(cursor, school_id, placed, next(iter(schedules.values())), "bench")
    cursor.execute(
        "INSERT INTO student_self_registrations (school_id, status, student_first_name, "
        "student_last_name, guardian_email, status_note, info_missing) "
        "VALUES (%s, 'needs_info', 'Ada', 'Lovelace', %s, %s, %s)",
        (school_id, FAMILY_EMAIL, NEEDS_INFO_NOTE, NEEDS_INFO_MISSING),
    )
    return {"status_registration": placed, "needs_info_registration": cursor.lastrowid}


def family_page(settings: Settings, school_id: int, registration_id: int) -> str:
    expires_at = datetime.now(timezone.utc) + FAMILY_LINK_LIFETIME
    link = FamilyLink(school_id, registration_id, FAMILY_EMAIL, expires_at)
    return settings.registrar_url + family_path(KeyRing.of(settings), link)


def lighthouse(url: str, cookie: str | None, desktop: bool) -> dict:
    report = run_lighthouse(
        url,
        "--only-categories=performance,accessibility",
        *(["--preset=desktop"] if desktop else []),
        headers={"Cookie": cookie} if cookie else None,
    )
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "metrics": lighthouse_metrics(report),
        "failed_accessibility_audits": {
            name: audits[name]["title"] for name in failed_accessibility_audits(report)
        },
        # Which elements failed, so a failure can be fixed without a browser at hand.
        "failed_elements": {
            name: [
                f"{item['node'].get('snippet', '')} {item['node'].get('explanation', '')}"
                for item in audits[name].get("details", {}).get("items", [])[:5]
                if "node" in item
            ]
            for name in failed_accessibility_audits(report)
        },
        # A family page's path is the family's credential: the report names it without it.
        "final_url": FAMILY_TOKEN.sub(
            "/family/{token}", report.get("finalDisplayedUrl") or report.get("finalUrl") or ""
        ),
    }


def board_median_ms(url: str, cookie: str) -> float:
    timings = []
    for _ in range(SAMPLES):
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--registrations", type=int, default=1000, help="pending registrations in the large stage"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument(
        "--pages",
        nargs="+",
        choices=PAGES,
        default=PAGES,
        help="only these pages (default: every one)",
    )
    options = parser.parse_args()
    lighthouse_command()  # installed before anything is made, so a failed install costs nothing
    port = free_port()
    settings = bench_settings(
        "lh",
        ports={**Settings().ports, "registrar": port},
        registrar_url=f"http://127.0.0.1:{port}",
    )
    migrations.apply_all(settings)
    server = None
    try:
        facts = seed(settings, options.registrations)
        log(f"school {facts['school_id']}: {options.registrations} pending registrations")
        env = env_for(
            settings, EDQUILL_REGISTRAR_PORT=str(port), EDQUILL_REGISTRAR_URL=settings.registrar_url
        )
        server = subprocess.Popen(
            [EDQUILL, "serve", "registrar", "--workers", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = settings.registrar_url
        wait_until_healthy(f"{base}/healthz", server, SERVER_START_SECONDS)
        cookie = f"{SESSION_COOKIE}={facts['token']}"
        pages = {
            "workspace_board": (f"{base}/admin/registrar", cookie),
            "workspace_panel": (
                f"{base}/admin/registrar?registration={facts['open_registration']}",
                cookie,
            ),
            "classes": (f"{base}/admin/classes", cookie),
            "family_form": (f"{base}/register/{facts['slug']}", None),
            "family_status": (
                family_page(settings, facts["school_id"], facts["status_registration"]),
                None,
            ),
            "family_needs_info": (
                family_page(settings, facts["school_id"], facts["needs_info_registration"]),
                None,
            ),
        }
        results = {
            "lighthouse": LIGHTHOUSE_VERSION,
            "targets": TARGETS,
            "pending_registrations": options.registrations,
            "board_html_median_ms": board_median_ms(pages["workspace_board"][0], cookie),
            "pages": {},
        }
        for name in options.pages:
            url, page_cookie = pages[name]
            results["pages"][name] = {}
            for form_factor, desktop in (("mobile", False), ("desktop", True)):
                log(f"lighthouse {name} ({form_factor})")
                results["pages"][name][form_factor] = lighthouse(url, page_cookie, desktop)
        results["meets_targets"] = all(
            scores["performance"] >= TARGETS["performance"]
            and scores["accessibility"] >= TARGETS["accessibility"]
            for page in results["pages"].values()
            for scores in page.values()
        )
        print(json.dumps(results, indent=2))
    finally:
        if server is not None:
            stop(server)
        if not options.keep:
            drop_databases(settings)


if __name__ == "__main__":
    main()
