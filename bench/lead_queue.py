"""Lead queue benchmark: the registrar's queue pages and status changes over HTTP, as JSON.

What it does, on this machine with the real MariaDB:
  * loads --registrations registrations (default 1,000,000) across --schools schools (default
    200) into databases of its own (prefix edqbench_lq_<run>_), with multi-row INSERTs and the
    production triggers in place (so the outbox fills too); --drop-triggers-during-load loads
    without them and restores them afterwards, and the output says so; --load-buffer-pool-mb
    loads with a larger InnoDB buffer pool and shrinks it back to the server's own before
    anything is measured (bench/buffer_pool.py), for the largest sizes;
  * starts `edquill serve registrar` (gunicorn) on those databases;
  * measures p50/p95 over HTTP (keep-alive) for the busiest school: the first page, a deep page
    (~50 cursor pages in), a status-filtered page, searches, the last-activity sort and the
    stage counts; prints EXPLAIN of each page statement, to show the index it uses;
  * offers status changes at --rate requests/s (default 310, just over the 300/s target) for
    --duration seconds (default 20) from a pool of threads, each with its own keep-alive
    connection, and reports the rate achieved and the latency percentiles (from the send, and
    from the scheduled send time, which also counts any queueing in the client);
  * for the queue reads and for the status changes, the CPU the registrar's gunicorn and
    mariadbd used meanwhile (bench/cpu.py), so a rate can be divided by the cores it took.
Everything is printed as one JSON object on stdout (progress goes to stderr); the databases
are dropped at the end unless --keep.

    .venv/bin/python -m bench.lead_queue [--registrations 20000] > result.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from bench.buffer_pool import loading_pool
from bench.cpu import CpuShare, process_tree, server_pids
from bench.harness import (
    EDQUILL,
    bench_settings,
    create_district_schools,
    district_school_sizes,
    drop_databases,
    env_for,
    log,
    percentiles,
    stop,
    wait_until_healthy,
)
from bench.server_facts import server_facts
from devtools.ports import free_port
from registrar.adapters.lead_queue_store import LeadQuery, page_statement
from registrar.adapters.tokens_store import issue_token
from registrar.domain.cursors import decode_cursor
from shared import db, migrations
from shared.config import Settings

QUEUE = "/api/admin/self-registration"

# Rows per multi-row INSERT batch and per commit: large enough to amortise round trips, small
# enough to stay far below max_allowed_packet and keep undo logs short.
INSERT_CHUNK = 2_000
STATUS_WEIGHTS = {
    "pending": 20,
    "in_review": 20,
    "needs_info": 10,
    "approved": 15,
    "rejected": 15,
    "converted": 20,
}
# A cold gunicorn loads the app in each worker before /healthz answers.
SERVER_START_SECONDS = 60
# Requests per measured lead-queue query kind: enough for a stable p95.
SAMPLES = 200
DEEP_PAGES = 50
# Unmeasured requests first, so every gunicorn worker has imported its code and connected.
WARM_UP_REQUESTS = 50
# Threads offering status changes; each owns its registrations and its connection.
CLIENT_THREADS = 32
TARGETS = {
    "lead_queue_p95_ms": 20.0,
    "status_changes_per_second": 300.0,
    "status_changes_p95_ms": 50.0,
}
# A little over the 300/s target: an open-loop client never completes more than it offers, so
# offering exactly 300/s would miss the target by the last request's latency.
OFFERED_STATUS_CHANGES = 310.0


# -- data ------------------------------------------------------------------------------------


def name_pool(rng: random.Random, count: int) -> list[str]:
    syllables = (
        "an",
        "bel",
        "cor",
        "da",
        "el",
        "fin",
        "gar",
        "hol",
        "is",
        "jo",
        "ka",
        "lin",
        "mor",
        "nel",
        "or",
        "pet",
        "quin",
        "ros",
        "sal",
        "tor",
        "ul",
        "ven",
        "wil",
        "xan",
        "yor",
        "zel",
    )
    names = set()
    while len(names) < count:
        names.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize())
    return sorted(names)


def registration_rows(rng, school_ids, sizes, first_names, last_names):
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    for school_id, size in zip(school_ids, sizes):
        for number in range(size):
            first, last = rng.choice(first_names), rng.choice(last_names)
            submitted = now - timedelta(seconds=rng.randrange(2 * 365 * 86400))
            activity = min(now, submitted + timedelta(seconds=rng.randrange(30 * 86400)))
            yield (
                school_id,
                rng.choices(statuses, weights)[0],
                first,
                last,
                f"{first}.{last}.{number}@family.example".lower(),
                submitted,
                activity,
            )


def load_registrations(settings: Settings, rows, total: int) -> float:
    connection = db.connect(settings, "registrar", autocommit=False)
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            chunk = []
            for loaded, row in enumerate(rows, 1):
                chunk.append(row)
                if len(chunk) == INSERT_CHUNK or loaded == total:
                    # pymysql sends executemany of INSERT ... VALUES as multi-row INSERTs.
                    cursor.executemany(
                        "INSERT INTO student_self_registrations (school_id, status, "
                        "student_first_name, student_last_name, guardian_email, submitted_at, "
                        "last_activity_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                        chunk,
                    )
                    connection.commit()
                    chunk = []
                    if loaded % 100_000 == 0:
                        log(f"loaded {loaded:,} registrations")
    finally:
        connection.close()
    return time.monotonic() - started


def drop_submission_trigger(settings: Settings) -> None:
    connection = db.connect(settings, "registrar")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS trg_ssr_submitted_outbox")
    connection.close()


# -- the service -----------------------------------------------------------------------------


def start_registrar(settings: Settings, port: int, workers: int, log_file) -> subprocess.Popen:
    process = subprocess.Popen(
        [EDQUILL, "serve", "registrar", "--port", str(port), "--workers", str(workers)],
        env=env_for(settings),
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/healthz", process, SERVER_START_SECONDS)
    except RuntimeError:
        stop(process)
        log_file.seek(0)
        raise RuntimeError(
            "the registrar did not answer /healthz; it printed:\n" + log_file.read()[-3000:]
        ) from None
    return process


class Client:
    """One keep-alive HTTP connection; reconnects once if the server closed it."""

    def __init__(self, port: int, token: str | None = None):
        self.port, self.headers = port, {"Accesstoken": token} if token else {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.requests = 0

    def get(self, path: str, **query) -> tuple[int, dict, float]:
        return self._send("GET", path + ("?" + urlencode(query) if query else ""), None)

    def post(self, path: str, body: dict, token: str | None = None) -> tuple[int, dict, float]:
        return self._send("POST", path, json.dumps(body), token)

    def _send(self, method, path, body, token=None):
        headers = dict(self.headers, **({"Content-Type": "application/json"} if body else {}))
        if token:
            headers["Accesstoken"] = token
        self.requests += 1
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                payload = response.read()
                elapsed = time.perf_counter() - started
                return response.status, json.loads(payload or b"{}"), elapsed
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise


# -- lead queue ------------------------------------------------------------------------------


def sample(client: Client, path: str, **query) -> dict:
    timings = []
    for _ in range(SAMPLES):
        status, body, elapsed = client.get(path, **query)
        if status != 200:
            raise RuntimeError(f"{path} {query} answered {status}: {body}")
        timings.append(elapsed)
    return percentiles(timings)


def deep_cursor(client: Client, **query) -> tuple[str | None, dict]:
    """Follow next_cursor DEEP_PAGES pages; the cursor reached and the walk's timings."""
    cursor, timings = None, []
    for _ in range(DEEP_PAGES):
        status, body, elapsed = client.get(QUEUE, **query, **({"cursor": cursor} if cursor else {}))
        timings.append(elapsed)
        if status != 200 or not body.get("next_cursor"):
            break
        cursor = body["next_cursor"]
    return cursor, percentiles(timings)


def search_terms(settings: Settings, school_id: int) -> dict[str, str]:
    """A common name prefix, a whole last name, an e-mail prefix and a first+last name."""
    connection = db.connect(settings, "registrar")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT student_first_name AS first, student_last_name AS last, "
            "guardian_email AS email FROM student_self_registrations "
            "WHERE school_id = %s ORDER BY id LIMIT 1",
            (school_id,),
        )
        row = cursor.fetchone()
    connection.close()
    return {
        "name_prefix_3": row["last"][:3],
        "last_name": row["last"],
        "email_prefix": row["email"].split("@")[0][:8],
        "first_and_last": f"{row['first']} {row['last'][:4]}",
    }


def explain(settings: Settings, queries: dict[str, LeadQuery]) -> dict:
    connection = db.connect(settings, "registrar")
    plans = {}
    with connection.cursor() as cursor:
        for kind, query in queries.items():
            sql, params = page_statement(query)
            cursor.execute("EXPLAIN " + sql, params)
            plans[kind] = [
                {
                    "table": row.get("table"),
                    "type": row.get("type"),
                    "key": row.get("key"),
                    "rows": row.get("rows"),
                    "extra": row.get("Extra"),
                }
                for row in cursor.fetchall()
            ]
    connection.close()
    return plans


def measure_lead_queue(settings: Settings, port: int, school_id: int, token: str) -> dict:
    client = Client(port, token)
    terms = search_terms(settings, school_id)
    for _ in range(WARM_UP_REQUESTS):
        client.get(QUEUE)
    deep, walk = deep_cursor(client)
    deep_pending, _walk = deep_cursor(client, status="pending")
    results = {
        "first_page": sample(client, QUEUE),
        "deep_page_walk": walk,
        "deep_page": sample(client, QUEUE, cursor=deep) if deep else None,
        "status_filtered_first_page": sample(client, QUEUE, status="pending"),
        "status_filtered_deep_page": (
            sample(client, QUEUE, status="pending", cursor=deep_pending) if deep_pending else None
        ),
        "last_activity_first_page": sample(client, QUEUE, sort="-last_activity_at"),
        "stage_counts": sample(client, QUEUE + "/stages"),
        "search": {kind: dict(sample(client, QUEUE, q=q), q=q) for kind, q in terms.items()},
    }
    after = decode_cursor(deep) if deep else None
    results["explain"] = explain(
        settings,
        {
            "first_page": LeadQuery(school_id),
            "deep_page": LeadQuery(school_id, after=after),
            "status_filtered": LeadQuery(school_id, status="pending"),
            "last_activity": LeadQuery(school_id, sort="-last_activity_at"),
            "search_name_prefix": LeadQuery(school_id, q=terms["name_prefix_3"]),
            "search_first_and_last": LeadQuery(school_id, q=terms["first_and_last"]),
        },
    )
    results["requests"] = client.requests
    return results


def cpu_parts(server: subprocess.Popen) -> dict[str, list[int]]:
    """The processes whose CPU a measured stretch counts: the registrar's gunicorn (master and
    workers) and the database server."""
    return {"registrar": process_tree(server.pid), "mariadbd": server_pids("mariadbd", "mysqld")}


# -- status changes --------------------------------------------------------------------------


def status_change_targets(settings: Settings, school_ids: list[int], wanted: int) -> list[dict]:
    """Registrations in in_review or approved (which may move to each other and back),
    spread over the schools, each with a registrar token of its school."""
    per_school = max(1, wanted // len(school_ids) + 1)
    connection = db.connect(settings, "registrar")
    targets = []
    with connection.cursor() as cursor:
        for school_id in school_ids:
            token = issue_token(connection, school_id, "registrar", label="bench")
            for status in ("in_review", "approved"):
                cursor.execute(
                    "SELECT id, status FROM student_self_registrations "
                    "WHERE school_id = %s AND status = %s LIMIT %s",
                    (school_id, status, per_school // 2 + 1),
                )
                targets += [dict(row, token=token) for row in cursor.fetchall()]
    connection.close()
    random.Random(7).shuffle(targets)
    return targets


def offer_status_changes(port: int, targets: list[dict], rate: float, duration: float) -> dict:
    total = int(rate * duration)
    interval = 1.0 / rate
    start = time.perf_counter() + 0.5
    latencies, lateness, codes = [], [], {}
    finished = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        mine, client = targets[index::CLIENT_THREADS], Client(port)
        for number, request_no in enumerate(range(index, total, CLIENT_THREADS)):
            target = mine[number % len(mine)]
            due = start + request_no * interval
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            to_status = "approved" if target["status"] == "in_review" else "in_review"
            status, _body, elapsed = client.post(
                QUEUE + "/status",
                {"registration_id": target["id"], "status": to_status},
                target["token"],
            )
            done = time.perf_counter()
            if status == 200:
                target["status"] = to_status
            with lock:
                latencies.append(elapsed)
                lateness.append(done - due)
                codes[status] = codes.get(status, 0) + 1
                finished.append(done)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = max(finished) - start
    return {
        "offered_per_second": rate,
        "requests": total,
        "achieved_per_second": round(codes.get(200, 0) / elapsed, 1),
        "seconds": round(elapsed, 2),
        "status_codes": {str(code): count for code, count in sorted(codes.items())},
        "latency": percentiles(latencies),
        "latency_from_schedule": percentiles(lateness),
    }


# -- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument(
        "--rate",
        type=float,
        default=OFFERED_STATUS_CHANGES,
        help="status changes offered per second",
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of status changes")
    parser.add_argument(
        "--workers",
        type=int,
        default=(os.cpu_count() or 1) * 2,
        help="gunicorn workers (as `edquill serve` defaults)",
    )
    parser.add_argument(
        "--drop-triggers-during-load",
        action="store_true",
        help="load without the submission trigger, restore it afterwards",
    )
    parser.add_argument(
        "--load-buffer-pool-mb",
        type=int,
        help="InnoDB buffer pool MB while loading, shrunk back before measuring",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()

    settings = bench_settings("lq")
    result = {
        "registrations": args.registrations,
        "schools": args.schools,
        "db_prefix": settings.db_prefix,
        "gunicorn_workers": args.workers,
        "server": server_facts(settings),
    }
    server = None
    server_log = tempfile.TemporaryFile(mode="w+", prefix="edquill-bench-registrar-")
    try:
        migrations.apply_all(settings, services=("registrar",))
        connection = db.connect(settings, "registrar")
        school_ids = create_district_schools(connection, args.schools)
        connection.close()
        sizes = district_school_sizes(args.registrations, args.schools)
        result["busiest_school_registrations"] = sizes[0]
        if args.drop_triggers_during_load:
            drop_submission_trigger(settings)
        rng = random.Random(2026)
        rows = registration_rows(rng, school_ids, sizes, name_pool(rng, 400), name_pool(rng, 2000))
        log(f"loading {args.registrations:,} registrations into {settings.db_prefix}registrar")
        with loading_pool(settings, args.load_buffer_pool_mb, into=result):
            seconds = load_registrations(settings, rows, args.registrations)
        if args.drop_triggers_during_load:
            migrations.load_triggers(settings, "registrar")
            result["triggers"] = (
                "the submission trigger was dropped for the load and "
                "restored after it: the outbox holds no selfreg.submitted "
                "rows for the loaded registrations"
            )
        else:
            result["triggers"] = "kept during the load: every insert also wrote its outbox row"
        result["load"] = {
            "seconds": round(seconds, 1),
            "rows_per_second": round(args.registrations / seconds),
        }
        connection = db.connect(settings, "registrar")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE TABLE student_self_registrations")
            cursor.fetchall()
        busy_token = issue_token(connection, school_ids[0], "registrar", label="bench")
        connection.close()

        port = free_port()
        log(f"starting the registrar on port {port} with {args.workers} workers")
        server = start_registrar(settings, port, args.workers, server_log)
        log("measuring the lead queue")
        with CpuShare(cpu_parts(server)) as cpu:
            result["lead_queue"] = measure_lead_queue(settings, port, school_ids[0], busy_token)
        result["lead_queue"]["cpu"] = cpu.figures()
        log(f"offering {args.rate:g} status changes/s for {args.duration:g} s")
        targets = status_change_targets(settings, school_ids, CLIENT_THREADS * 40)
        with CpuShare(cpu_parts(server)) as cpu:
            result["status_changes"] = offer_status_changes(port, targets, args.rate, args.duration)
        result["status_changes"]["cpu"] = cpu.figures()
        result["targets"] = targets_met(result)
    finally:
        if server is not None:
            stop(server)
        if not args.keep:
            drop_databases(settings)
    print(json.dumps(result, indent=2, default=str))


def targets_met(result: dict) -> dict:
    queue = result["lead_queue"]
    measured = [
        queue[kind]["p95_ms"]
        for kind in (
            "first_page",
            "deep_page",
            "status_filtered_first_page",
            "status_filtered_deep_page",
            "last_activity_first_page",
            "stage_counts",
        )
        if queue.get(kind)
    ]
    measured += [search["p95_ms"] for search in queue["search"].values()]
    changes = result["status_changes"]
    return {
        "targets": TARGETS,
        "worst_lead_queue_p95_ms": max(measured),
        "lead_queue_p95_met": max(measured) <= TARGETS["lead_queue_p95_ms"],
        "status_change_rate_met": changes["achieved_per_second"]
        >= TARGETS["status_changes_per_second"],
        "status_change_p95_met": changes["latency"]["p95_ms"] <= TARGETS["status_changes_p95_ms"],
    }


if __name__ == "__main__":
    main()
