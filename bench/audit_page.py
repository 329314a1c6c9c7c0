"""Audit page benchmark: /admin/audit (and GET /api/admin/audit) at --rows audit entries for
one school (default 1,000,000), as JSON.

What it does, on this machine with the real MariaDB:
  * migrates the registrar's tables into databases of its own (prefix edqbench_audit_<run>_),
    makes the school, a second school with a few entries (scoping must hold), an admin who
    signs in, and loads --rows entries with multi-row INSERTs (a spread of actors, actions
    and registrations, as a busy school's trail looks);
  * starts `edquill serve registrar` (gunicorn, 2 workers);
  * measures p50/p95 over HTTP (keep-alive, the session cookie) of the page: newest entries,
    a deep page (--deep-pages cursor pages in), one person, one action, one registration;
    and the API's first page; prints EXPLAIN of each statement, to show the index it uses.
Progress goes to stderr, the result to stdout; the databases are dropped at the end.

    .venv/bin/python -m bench.audit_page [--rows 20000] > result.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import time
from datetime import datetime, timedelta
from urllib.parse import urlencode

from bench.harness import (
    bench_settings,
    log,
    percentiles,
    stop,
)
from bench.server_facts import server_facts
from bench.token_check import start_registrar
from devtools.ports import free_port
from registrar.adapters.audit_store import trail_statement
from registrar.adapters.tokens_store import issue_token
from registrar.adapters.users_store import create_user
from registrar.domain.cursors import decode_cursor
from registrar.service_layer.sign_in import SIGN_IN_TOKEN_TTL
from shared import db, migrations
from shared.sessions import SESSION_COOKIE

# Rows per multi-row INSERT and commit: far below max_allowed_packet, short undo logs.
INSERT_CHUNK = 5_000
SAMPLES = 200
WARM_UP_REQUESTS = 30
ACTORS = 40
ACTIONS = ("status_changed", "class_assigned", "document_uploaded", "payment_recorded")
REGISTRATIONS = 50_000
TARGETS = {"audit_page_p95_ms": 50.0}


def seed(connection, rows: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO schools (name, slug) VALUES ('Bench', 'bench-audit')")
        school_id = cursor.lastrowid
        cursor.execute("INSERT INTO schools (name, slug) VALUES ('Other', 'bench-other')")
        other_id = cursor.lastrowid
    admin_id = create_user(
        connection, school_id, "admin@bench.example", "admin", "a long enough password"
    )
    start = datetime(2025, 1, 1)
    loaded = 0
    while loaded < rows:
        chunk = min(INSERT_CHUNK, rows - loaded)
        values, params = [], []
        for number in range(loaded, loaded + chunk):
            values.append("(%s, %s, %s, 'registration', %s, 'pending', 'in_review', NULL, %s)")
            params += [
                school_id,
                f"staff{number % ACTORS}@bench.example",
                ACTIONS[number % len(ACTIONS)],
                number % REGISTRATIONS + 1,
                start + timedelta(seconds=number * 20),
            ]
        with db.transaction(connection) as cursor:
            cursor.execute(
                "INSERT INTO t_audit_log (school_id, actor, action, entity_type, entity_id, "
                "old_value, new_value, reason, created_at) VALUES " + ", ".join(values),
                params,
            )
        loaded += chunk
        if loaded % 100_000 == 0 or loaded == rows:
            log(f"loaded {loaded} audit entries")
    with db.transaction(connection) as cursor:
        cursor.execute(
            "INSERT INTO t_audit_log (school_id, actor, action, entity_type, entity_id) "
            "VALUES (%s, 'other@bench.example', 'status_changed', 'registration', 1)",
            (other_id,),
        )
        cursor.execute("ANALYZE TABLE t_audit_log")
    session = issue_token(
        connection, school_id, "admin", label="sign-in", user_id=admin_id, ttl=SIGN_IN_TOKEN_TTL
    )
    return {
        "school_id": school_id,
        "session": session,
        "api_token": issue_token(connection, school_id, "viewer"),
    }


class Client:
    """One keep-alive connection, signed in by cookie (pages) or token (API)."""

    def __init__(self, port: int, headers: dict[str, str]):
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self._headers = headers

    def get(self, path: str) -> tuple[int, str]:
        self._connection.request("GET", path, headers=self._headers)
        answer = self._connection.getresponse()
        return answer.status, answer.read().decode()


def timed(client: Client, path: str, samples: int) -> dict:
    latencies = []
    for _ in range(samples):
        started = time.perf_counter()
        status, _body = client.get(path)
        latencies.append(time.perf_counter() - started)
        assert status == 200, (path, status)
    return {"path": path, **percentiles(latencies)}


def deep_cursor(client: Client, pages: int) -> str:
    path = "/admin/audit"
    for _ in range(pages):
        _status, body = client.get(path)
        path = re.search(r'href="(/admin/audit\?[^"]*cursor=[^"]+)" rel="next"', body).group(1)
    return path.replace("&amp;", "&")


def explain(connection, school_id: int, **filters) -> list[dict]:
    sql, params = trail_statement(school_id, limit=50, **filters)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return [
            {key: row.get(key) for key in ("type", "key", "rows", "Extra")}
            for row in cursor.fetchall()
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=SAMPLES)
    parser.add_argument("--deep-pages", type=int, default=50)
    args = parser.parse_args()

    settings = bench_settings("audit")
    migrations.apply_all(settings, services=("registrar",))
    registrar = None
    connection = db.connect(settings, "registrar")
    try:
        began = time.perf_counter()
        seeded = seed(connection, args.rows)
        load_seconds = round(time.perf_counter() - began, 1)
        port = free_port()
        registrar = start_registrar(settings, port)
        page = Client(port, {"Cookie": f"{SESSION_COOKIE}={seeded['session']}"})
        api = Client(port, {"Accesstoken": seeded["api_token"]})
        for _ in range(WARM_UP_REQUESTS):
            page.get("/admin/audit")
        deep = deep_cursor(page, args.deep_pages)
        before_id = decode_cursor(deep.split("cursor=")[1].split("&")[0]).id
        filters = {
            "newest": "/admin/audit",
            "deep": deep,
            "person": "/admin/audit?" + urlencode({"actor": "staff7@bench.example"}),
            "action": "/admin/audit?" + urlencode({"action": "payment_recorded"}),
            "registration": "/admin/audit?" + urlencode({"registration_id": 1234}),
        }
        result: dict = {
            "rows": args.rows,
            "load_seconds": load_seconds,
            "server": server_facts(settings),
            "targets": TARGETS,
            "page": {name: timed(page, path, args.samples) for name, path in filters.items()},
            "api_first_page": timed(api, "/api/admin/audit", args.samples),
            "explain": {
                "newest": explain(connection, seeded["school_id"]),
                "deep": explain(connection, seeded["school_id"], before_id=before_id),
                "person": explain(connection, seeded["school_id"], actor="staff7@bench.example"),
                "action": explain(connection, seeded["school_id"], action="payment_recorded"),
                "registration": explain(connection, seeded["school_id"], registration_id=1234),
            },
        }
        worst = max(kind["p95_ms"] for kind in result["page"].values())
        result["audit_page_p95_ms"] = worst
        result["meets_targets"] = worst <= TARGETS["audit_page_p95_ms"]
    finally:
        connection.close()
        if registrar is not None:
            stop(registrar)
        db.drop_database(settings, "registrar")
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
