"""Point-in-time recovery as docs/backups.md tells it, on a private MariaDB with the binary log
on: the nightly archive restored, then each database rolled forward with mysqlbinlog from the
position its dump recorded up to a moment just before a mistake."""

from __future__ import annotations

import json
import subprocess
import tarfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from shared import backup_mysql, db
from tests.support.backups import drop_every_database, own_environment
from tests.support.binlog_server import BINLOG_BASENAME, binlog_server
from tests.support.factories import create_registration, create_school
from tests.support.processes import run_edquill
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

COMMAND_TIMEOUT_SECONDS = 120


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as opened:
        return json.loads(opened.extractfile("manifest.json").read())


def next_second() -> datetime:
    """Wait for the clock's next whole second and return it: mysqlbinlog's --stop-datetime
    has a second's resolution, so what came before it and what comes after stay apart."""
    now = int(time.time())
    wait_until(lambda: int(time.time()) > now, 2, what="the next second")
    return datetime.fromtimestamp(now + 1)  # local time, as mysqlbinlog reads it


def roll_forward(settings, manifest: dict, data_dir: Path, stop: datetime) -> None:
    args, env = backup_mysql.client_args(settings)
    for entry in manifest["databases"].values():
        start = entry["binlog"]
        assert start, f"the dump of {entry['database']} recorded no binary log position"
        logs = sorted(path for path in data_dir.glob(f"{BINLOG_BASENAME}.[0-9]*"))
        logs = [path for path in logs if path.name >= start["file"]]
        events = subprocess.Popen(
            ["mysqlbinlog", f"--database={entry['database']}"]
            + [f"--start-position={start['position']}", f"--stop-datetime={stop:%Y-%m-%d %H:%M:%S}"]
            + [str(path) for path in logs],
            stdout=subprocess.PIPE,
        )
        subprocess.run(
            ["mysql", *args],
            stdin=events.stdout,
            env=env,
            check=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
        )
        assert events.wait(COMMAND_TIMEOUT_SECONDS) == 0


def last_names(settings) -> dict[int, str]:
    connection = db.connect(settings, "registrar")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, student_last_name FROM student_self_registrations")
        names = {row["id"]: row["student_last_name"] for row in cursor.fetchall()}
    connection.close()
    return names


@pytest.fixture
def binlogged(settings, tmp_path):
    """(settings, data directory) of migrated databases on a private server with log_bin."""
    with binlog_server() as (mysql_url, data_dir):
        private = replace(settings, mysql_url=mysql_url)
        with own_environment(private, tmp_path / "documents", migrated=True) as own:
            yield own, data_dir


def backup(settings, archive: Path) -> None:
    taken = run_edquill(settings, "backup", "--out", str(archive), timeout=COMMAND_TIMEOUT_SECONDS)
    assert taken.returncode == 0, taken.stderr


def test_a_restore_rolls_forward_to_just_before_a_mistake(binlogged, tmp_path):
    own, data_dir = binlogged
    archive = tmp_path / "nightly.backup"
    connection = db.connect(own, "registrar")
    school_id = create_school(connection)
    in_the_archive = create_registration(connection, school_id, last_name="Nightly")
    backup(own, archive)
    after_the_archive = create_registration(connection, school_id, last_name="Afternoon")
    stop = next_second()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE student_self_registrations SET student_last_name = 'Oops'")
    connection.close()

    drop_every_database(own)
    restored = run_edquill(own, "restore", str(archive), timeout=COMMAND_TIMEOUT_SECONDS)
    assert restored.returncode == 0, restored.stderr
    roll_forward(own, manifest_of(archive), data_dir, stop)

    assert last_names(own) == {in_the_archive: "Nightly", after_the_archive: "Afternoon"}
