"""A whole system seeded by `edquill demo seed` (through `edquill up`), with databases and an
exchange of its own, once its events have reached every consumer: what the demo tests look at.
"""

from __future__ import annotations

import dataclasses
import json
import urllib.request
from pathlib import Path

import pika

from shared import db
from shared.config import SERVICE_DATABASES, Settings
from shared.queues import consumer_topologies
from tests.support.processes import run_edquill
from tests.support.system import System
from tests.support.waiting import wait_until

# `up` seeds before it starts anything: three schools' histories (15-30 s alone, several times
# that while other test runs load the machine), then the services' cold start.
SEEDED_START_TIMEOUT = 420
# Three schools' eight weeks (about 2,400 events) through two relays and three consumers, and
# the mail they cause, on a 2-core machine other runs share.
DRAINED_TIMEOUT = 420
CONSUMER_DATABASES = ("kpi", "dashboard", "notifier")


def own_settings(settings: Settings, name: str) -> Settings:
    """The session's servers with databases and an exchange of `name`'s own: the demo schools
    have fixed slugs, and a seed leaves existing ones alone."""
    return dataclasses.replace(
        settings, db_prefix=f"{settings.db_prefix}{name}_", exchange=f"{settings.exchange}.{name}"
    )


class SeededDemo:
    def __init__(self, settings: Settings, var_dir: Path):
        self.settings = settings
        self.system = System(settings, var_dir)
        try:
            self.output = self.system.wait_until_up(SEEDED_START_TIMEOUT)
            self._wait_until_drained()
        except BaseException:
            self.stop()
            raise

    def _wait_until_drained(self) -> None:
        connection = db.connect(self.settings)
        try:
            wait_until(
                lambda: self._every_event_handled(connection),
                timeout=DRAINED_TIMEOUT,
                what="every demo event to reach every consumer",
            )
        finally:
            connection.close()

    def _every_event_handled(self, connection) -> bool:
        counts = []
        with connection.cursor() as cursor:
            for service in ("registrar", *CONSUMER_DATABASES):
                table = "t_event_outbox" if service == "registrar" else "t_event_inbox"
                # Database names come from Settings, which allows only [A-Za-z0-9_].
                cursor.execute(
                    f"SELECT COUNT(*) AS n FROM `{self.settings.database(service)}`.{table}"
                )
                counts.append(cursor.fetchone()["n"])
        connection.commit()
        return counts[0] > 0 and len(set(counts)) == 1

    def school(self, slug: str) -> dict:
        connection = db.connect(self.settings, "registrar")
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id, timezone, currency FROM schools WHERE slug = %s", (slug,)
                )
                return cursor.fetchone()
        finally:
            connection.close()

    def token(self, school_id: int, role: str = "admin") -> str:
        done = run_edquill(
            self.settings, "token", "issue", "--school-id", str(school_id), "--role", role
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1]

    def dashboard(self, token: str, query: str = "") -> dict:
        """The dashboard's answer once none of its figures is stale (a cold KPI service may
        miss the first answers' budget)."""
        answers = []

        def fresh() -> bool:
            request = urllib.request.Request(
                self.system.url("dashboard", f"/api/dashboard{query}"),
                headers={"Accesstoken": token},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                answers.append(json.load(response))
            return not answers[-1]["stale"]

        wait_until(fresh, timeout=60, what="the dashboard's figures to be fresh")
        return answers[-1]

    def stop(self) -> None:
        """Stop the system and remove its databases, queues and exchanges."""
        self.system.process.stop()
        for service in SERVICE_DATABASES:
            db.drop_database(self.settings, service)
        _delete_topology(self.settings)


def _delete_topology(settings: Settings) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
    try:
        channel = connection.channel()
        topologies = consumer_topologies(settings)
        for topology in topologies:
            channel.queue_delete(topology.queue)
            channel.queue_delete(topology.dead_letter_queue)
        channel.exchange_delete(settings.exchange)
        for dead_letter_exchange in {topology.dead_letter_exchange for topology in topologies}:
            channel.exchange_delete(dead_letter_exchange)
    finally:
        connection.close()
