"""Fixtures for the KPI service on the real MariaDB and RabbitMQ: a KPI worker per test (on
an exchange of its own), the KPI tables read back, and the real registrar served by
`edquill serve registrar` for the token checks and the registrar's own counts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.support.kpi import KpiTables, kpi_worker


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


@pytest.fixture(scope="session")
def kpi_settings(settings, registrar_url):
    """The session's settings, with the registrar where the KPI service looks for it."""
    return replace(settings, registrar_url=registrar_url)
