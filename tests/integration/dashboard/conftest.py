"""Fixtures for the dashboard on the real MariaDB and RabbitMQ, with the real services behind
it served as processes (`edquill serve registrar|kpi|notifier`) on free ports: schools with a
token per role, the KPI service's figures folded into its tables, and the dashboard's consumer
on the session's exchange."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from dashboard.config import DashboardConfig
from dashboard.entrypoints.app import create_app
from kpi.service_layer.fold import fold_events
from registrar.adapters.tokens_store import issue_token
from shared import db
from tests.support.dashboard import DashboardWorker
from tests.support.factories import create_school
from tests.support.kpi import school_created
from tests.support.processes import serve


@pytest.fixture(scope="session")
def registrar_service(settings):
    served = serve(settings, "registrar")
    yield served
    served.stop()


@pytest.fixture(scope="session")
def services_env(registrar_service) -> dict:
    return {"EDQUILL_REGISTRAR_URL": registrar_service.url}


@pytest.fixture(scope="session")
def kpi_service(settings, services_env):
    served = serve(settings, "kpi", services_env)
    yield served
    served.stop()


@pytest.fixture(scope="session")
def notifier_service(settings, services_env):
    served = serve(settings, "notifier", services_env)
    yield served
    served.stop()


@pytest.fixture(scope="session")
def dashboard_settings(settings, registrar_service, kpi_service, notifier_service):
    """The session's settings, pointing at the real registrar, KPI service and notifier."""
    return replace(
        settings,
        registrar_url=registrar_service.url,
        kpi_url=kpi_service.url,
        notifier_url=notifier_service.url,
    )


# Tests that check figures, not timing, give the other services this long: a service's first
# requests (its own token check, a cold worker) on a busy test machine may outlast the
# production budget, and the answer would then rightly be stale.
GENEROUS_BUDGET_SECONDS = 10.0


def dashboard_client(settings, **config):
    """A test client of the dashboard app, with DashboardConfig knobs changed as given."""
    app = create_app(settings, {"TESTING": True, "DASHBOARD_CONFIG": DashboardConfig(**config)})
    return app.test_client()


@pytest.fixture(scope="module")
def client(dashboard_settings):
    return dashboard_client(dashboard_settings, remote_budget_seconds=GENEROUS_BUDGET_SECONDS)


@dataclass
class School:
    id: int
    tokens: dict[str, str]

    def headers(self, role: str = "admin") -> dict:
        return {"Accesstoken": self.tokens[role]}


@pytest.fixture
def make_school(registrar_db, kpi_db):
    """make_school(timezone=...): a school the registrar knows (with a token per role) and the
    KPI service knows (its school.created folded)."""

    def make(timezone: str = "UTC") -> School:
        school_id = create_school(registrar_db, timezone=timezone, currency="USD")
        fold_kpi(kpi_db, school_created(school_id, timezone_name=timezone))
        return School(
            school_id,
            {
                role: issue_token(registrar_db, school_id, role)
                for role in ("viewer", "registrar", "admin")
            },
        )

    return make


@pytest.fixture
def kpi_db(settings):
    connection = db.connect(settings, "kpi")
    yield connection
    connection.close()


@pytest.fixture
def dashboard_db(settings):
    connection = db.connect(settings, "dashboard")
    yield connection
    connection.close()


def fold_kpi(connection, *events) -> None:
    """Fold events into the KPI service's tables, as its worker's transaction does."""
    with db.transaction(connection) as cursor:
        fold_events(cursor, events)


@pytest.fixture(scope="module")
def worker(settings):
    """The dashboard's consumer on the session's exchange, for this module's tests."""
    running = DashboardWorker(settings)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def dashboard_service(settings, registrar_service, kpi_service, notifier_service):
    """`edquill serve dashboard` on its own port, as operators run it without the gateway."""
    served = serve(
        settings,
        "dashboard",
        {
            "EDQUILL_REGISTRAR_URL": registrar_service.url,
            "EDQUILL_KPI_URL": kpi_service.url,
            "EDQUILL_NOTIFIER_URL": notifier_service.url,
            "EDQUILL_DASHBOARD_REMOTE_BUDGET_SECONDS": str(GENEROUS_BUDGET_SECONDS),
        },
    )
    yield served
    served.stop()
