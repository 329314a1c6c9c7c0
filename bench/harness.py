"""What every benchmark shares: its settings (databases and an exchange of the run's own) and
their removal, the environment of the `edquill` processes it starts, waiting for a server, a
district's schools, latency percentiles, progress on stderr, and Lighthouse.

The figures go to stdout as one JSON object; everything said along the way goes to stderr.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pika

from shared import db
from shared.broker import ConsumerTopology
from shared.config import SERVICE_DATABASES, Settings, development_settings

EDQUILL = str(Path(sys.executable).with_name("edquill"))

# What the benchmarks run under Node, pinned with its whole tree (package-lock.json).
NODE_PACKAGES = Path(__file__).with_name("node")
LIGHTHOUSE_VERSION = json.loads((NODE_PACKAGES / "package.json").read_text())["dependencies"][
    "lighthouse"
]
# Installed outside the repository: npm's tree is large and belongs to this machine.
LIGHTHOUSE_HOME = Path.home() / ".cache" / "edquill-bench"
CHROME_PATH = "/usr/bin/chromium"
# Headless Debian chromium as a non-root sandbox-less process; the last four keep Chrome's own
# background traffic out of the measured page load.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
# npm fetches Lighthouse and its dependencies once; a page's audit is well under a minute.
LIGHTHOUSE_INSTALL_TIMEOUT_SECONDS = 600
LIGHTHOUSE_RUN_TIMEOUT_SECONDS = 300
# Lighthouse's timings reported for each page: the ones its performance score weighs.
LIGHTHOUSE_METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)
# The busiest school of a district holds this share of its registrations (a large school
# beside small ones): its pages are the ones measured.
BUSY_SHARE = 0.05
# How often a starting server is asked whether it answers yet.
READY_POLL_SECONDS = 0.2
# Straight to the local server, whatever proxy the environment names.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def log(message: str) -> None:
    print(f"[{datetime.now(timezone.utc):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def bench_settings(kind: str = "", **changes) -> Settings:
    """Development settings on this machine's MySQL and RabbitMQ (EDQUILL_MYSQL_URL and
    EDQUILL_AMQP_URL when set), with databases edqbench_[kind_]<run>_* and an exchange of the
    run's own, so a benchmark never touches another run's data or a developer's."""
    run = f"{kind}_{secrets.token_hex(3)}" if kind else secrets.token_hex(3)
    base = Settings.from_env({**os.environ, "EDQUILL_ENV": "development"})
    return development_settings(
        **{
            "mysql_url": base.mysql_url,
            "amqp_url": base.amqp_url,
            "db_prefix": f"edqbench_{run}_",
            "exchange": f"edqbench.{run.replace('_', '.')}.events",
            **changes,
        }
    )


def env_for(settings: Settings, **variables: str) -> dict[str, str]:
    """The environment of an `edquill` process that works with the benchmark's settings: the
    same mode, key, databases, exchange and mail server; `variables` added on top."""
    return dict(
        os.environ,
        EDQUILL_ENV=settings.environment,
        EDQUILL_SECRET_KEY=settings.secret_key,
        EDQUILL_MYSQL_URL=settings.mysql_url,
        EDQUILL_DB_PREFIX=settings.db_prefix,
        EDQUILL_AMQP_URL=settings.amqp_url,
        EDQUILL_EXCHANGE=settings.exchange,
        EDQUILL_SMTP_URL=settings.smtp_url,
        **variables,
    )


def drop_databases(settings: Settings, services=SERVICE_DATABASES) -> None:
    for service in services:
        db.drop_database(settings, service)


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float) -> None:
    """Return once `url` (a server's /healthz) answers 200; raise if the process exits first
    or the time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with _DIRECT.open(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(READY_POLL_SECONDS)
    raise RuntimeError(
        f"{url} did not answer within {timeout:g} s"
        + (f" (the server exited with {process.returncode})" if process.poll() is not None else "")
    )


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM, time to finish what is in flight, then SIGKILL."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def percentiles(seconds: list[float]) -> dict:
    """Nearest-rank percentiles of durations in seconds, in milliseconds."""
    if not seconds:
        return {"n": 0}
    ordered = sorted(seconds)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {
        "n": len(ordered),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


def district_school_sizes(registrations: int, schools: int) -> list[int]:
    """Registrations per school: the busiest first with BUSY_SHARE, the rest shared evenly."""
    busy = int(registrations * BUSY_SHARE) if schools > 1 else registrations
    rest, spare = divmod(registrations - busy, max(schools - 1, 1))
    return [busy] + [rest + (1 if n < spare else 0) for n in range(schools - 1)]


def create_district_schools(connection, schools: int) -> list[int]:
    """`schools` schools in the benchmark's own registrar database; returns every school's id."""
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO schools (name, slug, timezone, currency) VALUES (%s, %s, 'UTC', 'USD')",
            [(f"Bench School {n}", f"bench-{n}") for n in range(schools)],
        )
        cursor.execute("SELECT id FROM schools ORDER BY id")
        return [row["id"] for row in cursor.fetchall()]


def delete_topology(settings: Settings, topology: ConsumerTopology) -> None:
    """A consumer's queues and exchanges, as the benchmark declared them, removed again."""
    connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
    channel = connection.channel()
    for queue in (topology.queue, topology.dead_letter_queue):
        channel.queue_delete(queue)
    for exchange in (topology.dead_letter_exchange, topology.exchange):
        channel.exchange_delete(exchange)
    connection.close()


# -- Lighthouse --------------------------------------------------------------------------------


def lighthouse_command() -> list[str]:
    """Lighthouse from LIGHTHOUSE_HOME, installed there by `npm ci` from bench/node's
    package-lock.json when missing or installed from another lock."""
    wanted = (NODE_PACKAGES / "package-lock.json").read_bytes()
    installed_lock = LIGHTHOUSE_HOME / "package-lock.json"
    binary = LIGHTHOUSE_HOME / "node_modules" / ".bin" / "lighthouse"
    if not (binary.exists() and installed_lock.exists() and installed_lock.read_bytes() == wanted):
        if not shutil.which("npm"):
            raise RuntimeError("npm is not installed: Lighthouse cannot be installed")
        LIGHTHOUSE_HOME.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(NODE_PACKAGES / name, LIGHTHOUSE_HOME / name)
        log(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {LIGHTHOUSE_HOME} (npm ci)")
        subprocess.run(
            ["npm", "ci", "--prefix", str(LIGHTHOUSE_HOME), "--no-audit", "--no-fund"],
            check=True,
            stdout=sys.stderr,
            timeout=LIGHTHOUSE_INSTALL_TIMEOUT_SECONDS,
        )
    return [str(binary)]


def run_lighthouse(url: str, *options: str, headers: dict[str, str] | None = None) -> dict:
    """Lighthouse's JSON report of `url`, with Debian's chromium; `options` are Lighthouse's
    own (--only-categories=..., --preset=desktop), `headers` sent with every request."""
    command = [
        *lighthouse_command(),
        url,
        "--quiet",
        "--output=json",
        "--output-path=stdout",
        f"--chrome-flags={CHROME_FLAGS}",
        *options,
    ]
    if headers:
        command.append(f"--extra-headers={json.dumps(headers)}")
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=LIGHTHOUSE_RUN_TIMEOUT_SECONDS,
        env=dict(os.environ, CHROME_PATH=CHROME_PATH),
    )
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url} ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def lighthouse_metrics(report: dict) -> dict[str, str]:
    """LIGHTHOUSE_METRICS as the report displays them ("1.2 s")."""
    return {
        name: report["audits"][name]["displayValue"]
        for name in LIGHTHOUSE_METRICS
        if name in report["audits"]
    }


def failed_accessibility_audits(report: dict) -> list[str]:
    """The ids of the weighted accessibility audits the page did not pass."""
    audits = report["audits"]
    return [
        ref["id"]
        for ref in report["categories"]["accessibility"]["auditRefs"]
        if ref["weight"] and audits[ref["id"]]["score"] not in (None, 1)
    ]
