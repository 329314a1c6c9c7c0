"""Token-check benchmark: what it costs another service (dashboard, KPI, notifier) to ask the
registrar about the caller's token on every request (shared.remote_auth), as JSON.

What it does, on this machine with the real MariaDB:
  * migrates the registrar's tables into databases of its own (prefix edqbench_<run>_), makes
    a school with an API token and a staff account with a signed-in token (the check of the
    latter joins the account: disabled? which role now?);
  * starts `edquill serve registrar` (gunicorn, 2 workers) on a free port;
  * times RemoteTokenVerifier.verify() --calls times for each token: one GET /api/auth/me,
    exactly what a guarded request pays (p50/p95/p99);
  * the baseline, in the same run: GET /healthz the same way (an HTTP round trip to the same
    process with no token check);
  * for each, the CPU the registrar's gunicorn and mariadbd used meanwhile (bench/cpu.py), so
    the rate of checks can be divided by the cores it took.
Progress goes to stderr, the result to stdout; the databases are dropped at the end.

    .venv/bin/python -m bench.token_check --quick > result.json
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import time
import urllib.request

from bench.cpu import CpuShare, process_tree, server_pids
from bench.harness import (
    EDQUILL,
    bench_settings,
    env_for,
    log,
    percentiles,
    stop,
    wait_until_healthy,
)
from bench.server_facts import server_facts
from devtools.ports import free_port
from registrar.adapters.tokens_store import issue_token
from registrar.adapters.users_store import create_user
from shared import db, migrations
from shared.config import Settings
from shared.remote_auth import RemoteTokenVerifier

# A cold gunicorn loads the app in each worker before /healthz answers.
SERVER_START_SECONDS = 60
WARM_UP_CALLS = 20  # the first calls pay for imports and connections in the fresh workers


def make_tokens(settings: Settings) -> dict[str, str]:
    connection = db.connect(settings, "registrar")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO schools (name, slug) VALUES ('Bench', %s)",
                (f"bench-{secrets.token_hex(3)}",),
            )
            school_id = cursor.lastrowid
        user_id = create_user(
            connection, school_id, "bench@school.example", "registrar", "a long enough password"
        )
        return {
            "api_token": issue_token(connection, school_id, "viewer"),
            "signed_in_token": issue_token(connection, school_id, "registrar", user_id=user_id),
        }
    finally:
        connection.close()


def start_registrar(settings: Settings, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            EDQUILL,
            "--log-level",
            "WARNING",
            "serve",
            "registrar",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        env=env_for(settings),
        stdout=subprocess.DEVNULL,
    )
    wait_until_healthy(f"http://127.0.0.1:{port}/healthz", process, SERVER_START_SECONDS)
    return process


def timed(call, count: int, cpu_parts: dict[str, list[int]]) -> dict:
    for _ in range(WARM_UP_CALLS):
        call()
    latencies = []
    with CpuShare(cpu_parts) as cpu:
        for _ in range(count):
            started = time.perf_counter()
            call()
            latencies.append(time.perf_counter() - started)
    return {"calls": count, **percentiles(latencies), "cpu": cpu.figures()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls, to try it out")
    parser.add_argument("--calls", type=int, default=None)
    args = parser.parse_args()
    count = args.calls or (100 if args.quick else 1000)

    settings = bench_settings()
    migrations.apply_all(settings, services=("registrar",))
    port = free_port()
    registrar = None
    try:
        tokens = make_tokens(settings)
        registrar = start_registrar(settings, port)
        url = f"http://127.0.0.1:{port}"
        verifier = RemoteTokenVerifier(url)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

        def healthz():
            with opener.open(f"{url}/healthz", timeout=5) as answer:
                answer.read()

        parts = {
            "registrar": process_tree(registrar.pid),
            "mariadbd": server_pids("mariadbd", "mysqld"),
        }
        result: dict = {
            "quick": args.quick,
            "server": server_facts(settings),
            "baseline_healthz": timed(healthz, count, parts),
        }
        for name, token in tokens.items():
            log(f"timing {name}")
            assert verifier.verify(token) is not None
            result[f"verify_{name}"] = timed(lambda: verifier.verify(token), count, parts)
    finally:
        if registrar is not None:
            stop(registrar)
        db.drop_database(settings, "registrar")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
