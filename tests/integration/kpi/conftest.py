"""Fixtures for the KPI service on the real MariaDB and RabbitMQ: a KPI worker per test (on
an exchange of its own), the KPI tables read back, and the real registrar served by
`edquill serve registrar` for the token checks and the registrar's own counts."""
from __future__ import annotations

import urllib.request
from dataclasses import replace

import pytest

from tests.support.kpi import KpiTables, kpi_worker
from tests.support.processes import EdquillProcess
from tests.support.tcp_proxy import free_port
from tests.support.waiting import wait_until


@pytest.fixture
def kpi_tables(settings) -> KpiTables:
    return KpiTables(settings)


@pytest.fixture
def make_kpi_worker(settings):
    """make_kpi_worker(**constants): a KPI worker, not started; stopped at the end."""
    made = []

    def make(**constants):
        worker = kpi_worker(settings, **constants)
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.stop()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def registrar_url(settings):
    """The registrar, as operators run it, on a free port."""
    port = free_port()
    process = EdquillProcess(settings, "serve", "registrar", "--port", str(port),
                             "--workers", "1")
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(f"{url}/healthz") or not process.running, timeout=60,
                   what="the registrar to serve")
        assert process.running, process.output()
        yield url
    finally:
        process.stop()


@pytest.fixture(scope="session")
def kpi_settings(settings, registrar_url):
    """The session's settings, with the registrar where the KPI service looks for it."""
    return replace(settings, registrar_url=registrar_url)
