"""Fixtures for the notifier on the real MariaDB and RabbitMQ and an SMTP server on loopback:
empty notifier tables and queues per test, a mail sink, a clock the test moves, and the
worker (consumer, sender, scheduler) run in a thread."""

from __future__ import annotations

from dataclasses import replace

import pytest

from devtools.mailsink import MailSink
from notifier.bootstrap import bootstrap
from notifier.config import NotifierConfig
from shared import db
from tests.support.notifier import (
    FakeClock,
    FastNotifierConsumer,
    WorkerThread,
    empty_notifier_tables,
    notifier_queues,
    purge_queues,
    utc,
)

# Knobs scaled down to test time; claims last long enough that no test sees one expire unless
# it asks for that.
TEST_CONFIG = NotifierConfig(
    sender_idle_seconds=0.05,
    scheduler_idle_seconds=0.05,
    retry_first_seconds=0.2,
    retry_max_seconds=0.5,
    claim_seconds=30,
    smtp_timeout_seconds=5,
)
# A Wednesday afternoon: outside the default quiet hours (21:00-08:00) in UTC.
AFTERNOON = utc(2026, 1, 14, 15, 0)


@pytest.fixture(scope="session")
def notifier_queue_lifetime(settings):
    queues = notifier_queues(settings)
    yield
    queues.delete()


@pytest.fixture
def notifier_db(settings):
    connection = db.connect(settings, "notifier")
    empty_notifier_tables(connection)
    yield connection
    connection.close()


@pytest.fixture
def queues(settings, notifier_queue_lifetime):
    queues = notifier_queues(settings)
    purge_queues(settings, queues)
    return queues


@pytest.fixture
def sink(tmp_path):
    with MailSink(tmp_path / "mail") as sink:
        yield sink


@pytest.fixture
def clock():
    return FakeClock(AFTERNOON)


@pytest.fixture
def start_worker(settings, sink, clock, notifier_db, queues):
    """start_worker(smtp_url=..., config=..., clock=..., settings_changes={...},
    after_accept=...) -> WorkerThread."""
    started: list[WorkerThread] = []

    def start(
        *,
        smtp_url: str | None = None,
        config: NotifierConfig = TEST_CONFIG,
        clock=clock,
        settings_changes: dict | None = None,
        **parts,
    ) -> WorkerThread:
        worker_settings = replace(
            settings, smtp_url=smtp_url or sink.url, **(settings_changes or {})
        )
        worker = bootstrap(
            worker_settings, config, clock=clock, consumer_class=FastNotifierConsumer, **parts
        )
        thread = WorkerThread(worker).start()
        started.append(thread)
        return thread

    yield start
    for thread in started:
        thread.stop()


@pytest.fixture(scope="session")
def api_settings(settings, registrar_url):
    """The session's settings, with the registrar where the notifier asks about tokens."""
    return replace(settings, registrar_url=registrar_url)
