"""Backup benchmark: `edquill backup` against plain `mysqldump > file`, at growing sizes, as JSON.

What it does, on this machine with the real MariaDB:
  * migrates databases of its own (prefix edqbench_bk_<run>_) and loads registrations into
    them step by step up to each of --sizes (default 100,000 and 1,000,000), with multi-row
    INSERTs (the submission trigger is dropped for the load and restored after it, as an
    outbox purged after two weeks holds no rows for old registrations), plus --documents
    uploaded-document files of 64 kB;
  * at each size, runs the real `edquill backup --out FILE` and, as the baseline in the same
    run, the same mysqldump options straight into a file; for each, the wall time and the peak
    memory of the process tree (from /proc: each process's peak resident set, VmHWM, and their
    sum; and the most they held at once, as proportional set sizes); then `edquill backup --verify`
    on the archive;
  * at the largest size, compresses the baseline dump at gzip levels 1, 6 and 9 (and with the
    zstd binary, when installed) to show what the archive's level costs and saves.
Everything is printed as one JSON object on stdout (progress goes to stderr); the databases
and files are dropped at the end unless --keep.

    .venv/bin/python -m bench.backup [--sizes 20000,200000] > result.json
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from bench.harness import (
    EDQUILL,
    bench_settings,
    create_district_schools,
    district_school_sizes,
    drop_databases,
    env_for,
    log,
)
from bench.lead_queue import (
    drop_submission_trigger,
    load_registrations,
    name_pool,
    registration_rows,
)
from bench.server_facts import server_facts
from shared import backup_archive, backup_mysql, db, migrations
from shared.config import SERVICE_DATABASES, Settings

SCHOOLS = 200
DOCUMENT_BYTES = 64 * 1024
# How often the process tree's memory is read: often enough to see a short-lived child.
MEMORY_POLL_SECONDS = 0.02
# A backup of a million registrations takes well under this on a laptop.
COMMAND_TIMEOUT_SECONDS = 1800
GZIP_LEVELS = (1, 6, 9)


# -- memory of a process tree -----------------------------------------------------------------


def status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def descendants(pid: int) -> list[int]:
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        children = [int(child) for child in listed.split()]
    except OSError:
        return []
    return children + [grandchild for child in children for grandchild in descendants(child)]


class TreeMemory:
    """Polls a process and its descendants: the most they held at once (the sum of their
    proportional set sizes, Pss: a child forked but not yet exec'd shares its parent's pages
    and must not count them twice), and each command's own peak (VmHWM, which no poll can
    miss)."""

    def __init__(self, pid: int):
        self.pid, self.tree_peak_kib, self.peaks = pid, 0, {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._done.is_set():
            held = 0
            for pid in (self.pid, *descendants(self.pid)):
                held += _pss_kib(pid)
                name = _command_name(pid)
                self.peaks[name] = max(self.peaks.get(name, 0), status_kib(pid, "VmHWM"))
            self.tree_peak_kib = max(self.tree_peak_kib, held)
            time.sleep(MEMORY_POLL_SECONDS)

    def stop(self) -> dict:
        self._done.set()
        self._thread.join()
        peaks = {name: peak for name, peak in self.peaks.items() if peak}
        return {
            # Each command's peak added up: the most the tree could hold if all peaked together.
            "peak_rss_mb": round(sum(peaks.values()) / 1024, 1),
            "peak_rss_mb_by_process": {name: round(peak / 1024, 1) for name, peak in peaks.items()},
            "peak_pss_mb_at_once": round(self.tree_peak_kib / 1024, 1),
        }


def _command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def measured(command: list[str], env: dict, stdout=subprocess.DEVNULL) -> dict:
    """Run `command` to the end: wall seconds and the tree's peak memory."""
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=stdout, stderr=subprocess.PIPE)
    memory = TreeMemory(process.pid)
    _, errors = process.communicate(timeout=COMMAND_TIMEOUT_SECONDS)
    seconds = time.monotonic() - started
    figures = memory.stop()
    if process.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {errors.decode(errors='replace')[-2000:]}")
    return {"seconds": round(seconds, 2), **figures}


# -- data ---------------------------------------------------------------------------------------


class Loader:
    """Registrations loaded step by step up to each size, into the benchmark's databases."""

    def __init__(self, settings: Settings, largest: int):
        self.settings, self.loaded = settings, 0
        connection = db.connect(settings, "registrar")
        school_ids = create_district_schools(connection, SCHOOLS)
        connection.close()
        rng = random.Random(2026)
        self.rows = registration_rows(
            rng,
            school_ids,
            district_school_sizes(largest, SCHOOLS),
            name_pool(rng, 400),
            name_pool(rng, 2000),
        )

    def load_up_to(self, size: int) -> float:
        more = size - self.loaded
        log(f"loading {more:,} registrations (up to {size:,})")
        drop_submission_trigger(self.settings)
        try:
            rows = (next(self.rows) for _ in range(more))
            seconds = load_registrations(self.settings, rows, more)
        finally:
            migrations.load_triggers(self.settings, "registrar")
        self.loaded = size
        return seconds


def write_documents(root: Path, count: int) -> None:
    folder = root / "1"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (folder / f"bench{number:06d}").write_bytes(os.urandom(DOCUMENT_BYTES))


# -- the measurements -------------------------------------------------------------------------


def edquill_backup(settings: Settings, out: Path) -> dict:
    out.unlink(missing_ok=True)
    env = env_for(settings, EDQUILL_DOCUMENTS_DIR=settings.documents_dir)
    figures = measured([EDQUILL, "backup", "--out", str(out)], env)
    verify = measured([EDQUILL, "backup", "--verify", str(out)], env)
    return {
        **figures,
        "archive_bytes": out.stat().st_size,
        "verify_seconds": verify["seconds"],
        "verify_peak_rss_mb": verify["peak_rss_mb"],
    }


def mysqldump_to_file(settings: Settings, out: Path) -> dict:
    """The same dumps as the backup's, with the same options, straight into one file."""
    args, env = backup_mysql.client_args(settings)
    dump = backup_mysql.tool("mysqldump", "mariadb-dump")
    totals = {"seconds": 0.0, "peak_rss_mb": 0.0}
    with open(out, "wb") as file:
        for service in SERVICE_DATABASES:
            command = [dump, *args, *backup_mysql.DUMP_OPTIONS, settings.database(service)]
            figures = measured(command, env, stdout=file)
            totals["seconds"] = round(totals["seconds"] + figures["seconds"], 2)
            totals["peak_rss_mb"] = max(totals["peak_rss_mb"], figures["peak_rss_mb"])
    return {**totals, "dump_bytes": out.stat().st_size}


def compression_levels(dump: Path, scratch: Path) -> dict:
    """Seconds and bytes of the plain dump compressed at each level (one CPU each)."""
    results = {}
    for level in GZIP_LEVELS:
        target = scratch / f"dump.{level}.gz"
        started = time.monotonic()
        with open(dump, "rb") as source, gzip.open(target, "wb", compresslevel=level) as out:
            shutil.copyfileobj(source, out, backup_archive.CHUNK_BYTES)
        results[f"gzip_{level}"] = _compressed(started, target)
    if shutil.which("zstd"):
        target = scratch / "dump.zst"
        started = time.monotonic()
        subprocess.run(["zstd", "-q", "-3", "-T1", "-f", str(dump), "-o", str(target)], check=True)
        results["zstd_3"] = _compressed(started, target)
    return results


def _compressed(started: float, target: Path) -> dict:
    figures = {"seconds": round(time.monotonic() - started, 2), "bytes": target.stat().st_size}
    target.unlink()
    return figures


def at_size(settings: Settings, loader: Loader, size: int, scratch: Path) -> dict:
    load_seconds = loader.load_up_to(size)
    log(f"{size:,}: edquill backup")
    backup = edquill_backup(settings, scratch / "edquill.backup")
    log(f"{size:,}: mysqldump > file")
    baseline = mysqldump_to_file(settings, scratch / "plain.sql")
    return {
        "registrations": size,
        "load_seconds": round(load_seconds, 1),
        "edquill_backup": backup,
        "mysqldump_to_file": baseline,
        "ratio": {
            "seconds": round(backup["seconds"] / baseline["seconds"], 2),
            "peak_rss": round(backup["peak_rss_mb"] / baseline["peak_rss_mb"], 2),
            "archive_to_dump_bytes": round(backup["archive_bytes"] / baseline["dump_bytes"], 3),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="registrations, ascending")
    parser.add_argument("--documents", type=int, default=100, help="64 kB files to back up")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))

    scratch = Path(tempfile.mkdtemp(prefix="edquill-bench-backup-"))
    settings = bench_settings("bk", documents_dir=str(scratch / "documents"))
    result = {"server": server_facts(settings), "documents": args.documents, "sizes": []}
    try:
        migrations.apply_all(settings)
        write_documents(scratch / "documents", args.documents)
        loader = Loader(settings, sizes[-1])
        for size in sizes:
            result["sizes"].append(at_size(settings, loader, size, scratch))
        log("compression levels on the largest plain dump")
        result["compression"] = compression_levels(scratch / "plain.sql", scratch)
        first, last = result["sizes"][0], result["sizes"][-1]
        result["memory_growth"] = {
            "registrations": round(last["registrations"] / first["registrations"], 1),
            "edquill_backup_peak_rss": round(
                last["edquill_backup"]["peak_rss_mb"] / first["edquill_backup"]["peak_rss_mb"], 2
            ),
        }
    finally:
        if not args.keep:
            drop_databases(settings)
            shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
