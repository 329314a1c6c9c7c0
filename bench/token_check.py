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
    process with no token check).
Progress goes to stderr, the result to stdout; the databases are dropped at the end.

    .venv/bin/python bench/token_check.py --quick > result.json
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server_facts import server_facts  # noqa: E402
from registrar.tokens import issue_token  # noqa: E402
from registrar.users import create_user  # noqa: E402
from shared import db, migrations  # noqa: E402
from shared.config import Settings, development_settings  # noqa: E402
from shared.remote_auth import RemoteTokenVerifier  # noqa: E402
from devtools.supervision import port_answers  # noqa: E402

EDQUILL = str(Path(sys.executable).with_name("edquill"))
WARM_UP_CALLS = 20  # the first calls pay for imports and connections in the fresh workers


def bench_settings() -> Settings:
    run = secrets.token_hex(3)
    base = Settings.from_env({"EDQUILL_ENV": "development", **os.environ})
    return development_settings(mysql_url=base.mysql_url, amqp_url=base.amqp_url,
                                db_prefix=f"edqbench_{run}_")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_tokens(settings: Settings) -> dict[str, str]:
    connection = db.connect(settings, "registrar")
    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO schools (name, slug) VALUES ('Bench', %s)",
                           (f"bench-{secrets.token_hex(3)}",))
            school_id = cursor.lastrowid
        user_id = create_user(connection, school_id, "bench@school.example", "registrar",
                              "a long enough password")
        return {"api_token": issue_token(connection, school_id, "viewer"),
                "signed_in_token": issue_token(connection, school_id, "registrar",
                                               user_id=user_id)}
    finally:
        connection.close()


def start_registrar(settings: Settings, port: int) -> subprocess.Popen:
    env = dict(os.environ, EDQUILL_ENV="development", EDQUILL_MYSQL_URL=settings.mysql_url,
               EDQUILL_DB_PREFIX=settings.db_prefix, EDQUILL_SECRET_KEY=settings.secret_key)
    process = subprocess.Popen([EDQUILL, "--log-level", "WARNING", "serve", "registrar",
                                "--port", str(port), "--workers", "2"], env=env,
                               stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not port_answers(port):
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("the registrar did not start")
        time.sleep(0.2)
    return process


def timed(call, count: int) -> dict:
    for _ in range(WARM_UP_CALLS):
        call()
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    def at(q: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 2)
    return {"calls": count, "p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99),
            "mean_ms": round(statistics.fmean(latencies), 2)}


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

        result: dict = {"quick": args.quick, "server": server_facts(settings),
                        "baseline_healthz": timed(healthz, count)}
        for name, token in tokens.items():
            print(f"timing {name}", file=sys.stderr)
            assert verifier.verify(token) is not None
            result[f"verify_{name}"] = timed(lambda: verifier.verify(token), count)
    finally:
        if registrar is not None:
            registrar.send_signal(signal.SIGTERM)
            registrar.wait(30)
        db.drop_database(settings, "registrar")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
