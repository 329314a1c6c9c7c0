"""Lead-queue export benchmark: `GET .../export.csv` (and .xlsx) of one school's whole queue
over HTTP, against the mysql client dumping the same rows to a file, as JSON.

What it does, on this machine with the real MariaDB:
  * migrates databases of its own (prefix edqbench_ex_<run>_), makes one school and loads its
    registrations step by step up to each of --sizes (default 10,000 and 50,000);
  * starts `edquill serve registrar` (gunicorn, one worker, so the worker doing the export is
    the one measured);
  * at each size: streams the CSV export and the XLSX export to the end, with their wall time,
    bytes and rows, and the worker's resident memory before and its peak (VmHWM) after: an
    export that streams holds a batch, so the peak stays flat as the school grows; and, as the
    baseline in the same run, `mysql --batch -e "SELECT ..."` of the same columns and order
    into a file, with its time and peak memory.
Everything is printed as one JSON object on stdout (progress goes to stderr); the databases
are dropped at the end unless --keep.

    .venv/bin/python -m bench.export [--sizes 5000,20000] > result.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import tempfile
import time
from pathlib import Path

from bench.backup import descendants, measured, status_kib
from bench.harness import (
    bench_settings,
    create_district_schools,
    drop_databases,
    log,
    stop,
)
from bench.lead_queue import load_registrations, name_pool, registration_rows, start_registrar
from bench.server_facts import server_facts
from devtools.ports import free_port
from registrar.adapters.tokens_store import issue_token
from registrar.domain.lead_export import COLUMNS
from shared import backup_mysql, db, migrations

EXPORT = "/api/admin/self-registration/export"
READ_BYTES = 256 * 1024


def stream_export(port: int, token: str, file_format: str) -> dict:
    """Read one export to its end, as a client saving it would."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.monotonic()
    connection.request("GET", f"{EXPORT}.{file_format}", headers={"Accesstoken": token})
    response = connection.getresponse()
    if response.status != 200:
        raise RuntimeError(f"export.{file_format}: HTTP {response.status} {response.read()[:500]}")
    first_byte = time.monotonic() - started
    size, lines = 0, 0
    while chunk := response.read(READ_BYTES):
        size += len(chunk)
        lines += chunk.count(b"\n")
    connection.close()
    figures = {
        "seconds": round(time.monotonic() - started, 2),
        "first_byte_seconds": round(first_byte, 3),
        "bytes": size,
    }
    if file_format == "csv":
        figures["rows"] = lines - 1
    return figures


def mysql_client_dump(settings, school_id: int, out: Path) -> dict:
    """The same columns of the same rows, in the same order, by the mysql client."""
    args, env = backup_mysql.client_args(settings)
    client = backup_mysql.tool("mysql", "mariadb")
    columns = ", ".join(key for _header, key in COLUMNS)
    sql = (
        f"SELECT {columns} FROM student_self_registrations WHERE school_id = {int(school_id)} "
        "ORDER BY submitted_at DESC, id DESC"
    )
    with open(out, "wb") as file:
        figures = measured(
            [client, *args, "--batch", settings.database("registrar"), "-e", sql], env, file
        )
    return {
        "seconds": figures["seconds"],
        "peak_rss_mb": figures["peak_rss_mb"],
        "bytes": out.stat().st_size,
    }


def worker_memory(server_pid: int) -> dict:
    (worker,) = descendants(server_pid)
    return {
        "rss_mb": round(status_kib(worker, "VmRSS") / 1024, 1),
        "peak_rss_mb": round(status_kib(worker, "VmHWM") / 1024, 1),
    }


def at_size(settings, port, server_pid, token, school_id, size, scratch: Path) -> dict:
    before = worker_memory(server_pid)
    csv_export = stream_export(port, token, "csv")
    after_csv = worker_memory(server_pid)
    xlsx_export = stream_export(port, token, "xlsx")
    after_xlsx = worker_memory(server_pid)
    baseline = mysql_client_dump(settings, school_id, scratch / f"dump-{size}.tsv")
    if csv_export["rows"] != size:
        raise RuntimeError(f"the CSV export held {csv_export['rows']} rows, not {size}")
    return {
        "registrations": size,
        "csv": {**csv_export, "worker_peak_rss_mb": after_csv["peak_rss_mb"]},
        "xlsx": {**xlsx_export, "worker_peak_rss_mb": after_xlsx["peak_rss_mb"]},
        "worker_rss_mb_before": before["rss_mb"],
        "mysql_client_baseline": baseline,
        "csv_time_vs_baseline": round(csv_export["seconds"] / baseline["seconds"], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))

    settings = bench_settings("ex")
    result = {"db_prefix": settings.db_prefix, "server": server_facts(settings), "sizes": []}
    server = None
    server_log = tempfile.TemporaryFile(mode="w+", prefix="edquill-bench-registrar-")
    try:
        migrations.apply_all(settings, services=("registrar",))
        connection = db.connect(settings, "registrar")
        (school_id,) = create_district_schools(connection, 1)
        token = issue_token(connection, school_id, "viewer", label="bench")
        connection.close()
        port = free_port()
        server = start_registrar(settings, port, 1, server_log)
        rng = random.Random(2026)
        first_names, last_names = name_pool(rng, 400), name_pool(rng, 2000)
        loaded = 0
        with tempfile.TemporaryDirectory(prefix="edquill-bench-export-") as scratch:
            for size in sizes:
                rows = registration_rows(rng, [school_id], [size - loaded], first_names, last_names)
                load_registrations(settings, rows, size - loaded)
                loaded = size
                log(f"exporting {size:,} registrations")
                result["sizes"].append(
                    at_size(settings, port, server.pid, token, school_id, size, Path(scratch))
                )
        peaks = [figures["csv"]["worker_peak_rss_mb"] for figures in result["sizes"]]
        result["csv_worker_peak_growth"] = round(peaks[-1] / peaks[0], 2)
    finally:
        if server is not None:
            stop(server)
        if not args.keep:
            drop_databases(settings, services=("registrar",))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
