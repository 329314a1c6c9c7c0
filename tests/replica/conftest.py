"""A primary with the binary log on and a read replica of it, both of this module's own
(mariadbd on free ports: the shared server has no binary log and is not ours to restart), and
the registrar, KPI and dashboard services served against them with EDQUILL_MYSQL_REPLICA_URL
set. Every server and process is stopped at the end, whatever the tests did."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from devtools.ports import free_port
from registrar.adapters.tokens_store import issue_token
from shared import db, migrations
from shared.config import MySQLServer, Settings
from tests.support.binlog_server import binlog_server, private_folder
from tests.support.factories import create_school
from tests.support.processes import run_edquill, serve
from tests.support.servers import isolated_settings, server_urls

# Seeding a replica copies the whole primary: a migrated, nearly empty one takes seconds.
REPLICA_START_TIMEOUT_SECONDS = 120
REQUEST_TIMEOUT_SECONDS = 10


@dataclass
class Replicated:
    settings: Settings
    replica_url: str
    replica_folder: Path
    registrar_url: str
    kpi_url: str
    dashboard_url: str
    school_id: int
    token: str

    def replica_sql(self, statement: str, params=(), service: str | None = None):
        """Run one statement on the replica alone (as root: its read_only does not bind)."""
        return _execute(
            db.connect(self.settings, service, server=MySQLServer.from_url(self.replica_url)),
            statement,
            params,
        )

    def primary_sql(self, statement: str, params=(), service: str | None = None):
        return _execute(db.connect(self.settings, service), statement, params)

    def get(self, url: str) -> tuple[int, dict]:
        request = urllib.request.Request(url, headers={"Accesstoken": self.token})
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def replica_pid(self) -> int:
        return int((self.replica_folder / "mysqld.pid").read_text())

    def metrics(self, url: str) -> str:
        with urllib.request.urlopen(f"{url}/metrics", timeout=REQUEST_TIMEOUT_SECONDS) as response:
            return response.read().decode()


def _execute(connection, statement: str, params) -> list[dict]:
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return list(cursor.fetchall())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def replicated() -> Replicated:
    with ExitStack() as stack:
        _shared_mysql, amqp_url = server_urls(stack)
        primary_url, _data = stack.enter_context(binlog_server())
        settings = isolated_settings(primary_url, amqp_url)
        migrations.apply_all(settings)
        folder = stack.enter_context(private_folder("edquill-replica-")) / "replica"
        # Registered before the start: a replica that half-started is stopped too.
        stack.callback(_stop_replica, settings, folder)
        started = run_edquill(
            settings,
            "replica",
            "start",
            *("--folder", str(folder), "--port", str(free_port())),
            *("--primary-url", primary_url),
            timeout=REPLICA_START_TIMEOUT_SECONDS,
        )
        assert started.returncode == 0, started.stderr
        replica_url = started.stdout.strip().splitlines()[-1]
        env = {"EDQUILL_MYSQL_REPLICA_URL": replica_url, "EDQUILL_REPLICA_MAX_LAG_S": "5"}
        registrar = serve(settings, "registrar", extra_env=env)
        stack.callback(registrar.stop)
        kpi = serve(settings, "kpi", extra_env={**env, "EDQUILL_REGISTRAR_URL": registrar.url})
        stack.callback(kpi.stop)
        dashboard = serve(
            settings,
            "dashboard",
            extra_env={
                **env,
                "EDQUILL_REGISTRAR_URL": registrar.url,
                "EDQUILL_KPI_URL": kpi.url,
                # No notifier here: the held messages show stale, the rest of the page answers.
                "EDQUILL_NOTIFIER_URL": f"http://127.0.0.1:{free_port()}",
            },
        )
        stack.callback(dashboard.stop)
        connection = db.connect(settings, "registrar")
        school_id = create_school(connection)
        token = issue_token(connection, school_id, "admin")
        connection.close()
        yield Replicated(
            replace(settings, mysql_replica_url=replica_url),
            replica_url,
            folder,
            registrar.url,
            kpi.url,
            dashboard.url,
            school_id,
            token,
        )


def _stop_replica(settings: Settings, folder: Path) -> None:
    run_edquill(settings, "replica", "stop", "--folder", str(folder))
