"""The dashboard served with EDQUILL_PUBLIC_URL, reached on its own port: its sign-in redirect
and its links to the workspace are under the public address, never the registrar's service
address (EDQUILL_REGISTRAR_URL)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.dashboard import submitted
from tests.support.http_pages import fetch
from tests.support.processes import serve

PUBLIC_URL = "https://school.example"


@pytest.fixture(scope="module")
def dashboard(settings, registrar_service, kpi_service, notifier_service):
    served = serve(
        settings,
        "dashboard",
        {
            "EDQUILL_PUBLIC_URL": PUBLIC_URL,
            "EDQUILL_REGISTRAR_URL": registrar_service.url,
            "EDQUILL_KPI_URL": kpi_service.url,
            "EDQUILL_NOTIFIER_URL": notifier_service.url,
        },
    )
    yield served.url
    served.stop()


def test_the_sign_in_redirect_goes_to_the_public_url(dashboard, registrar_service):
    answer = fetch(dashboard, "/admin/dashboard?range=7d")

    assert answer.status == 303
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{PUBLIC_URL}/login"
    # The way back is the dashboard as this browser reached it.
    assert parse_qs(location.query)["next"] == [f"{dashboard}/admin/dashboard?range=7d"]
    assert registrar_service.url not in answer.headers["Location"]


def test_a_refused_session_is_sent_to_sign_in_under_the_public_url(dashboard):
    answer = fetch(dashboard, "/admin/dashboard", cookies={"edquill_session": "forged"})
    assert answer.status == 303
    assert answer.headers["Location"].startswith(f"{PUBLIC_URL}/login?next=")


def test_the_rail_links_to_the_workspace_under_the_public_url(
    dashboard, make_school, worker, registrar_service
):
    school = make_school()
    worker.publish(
        submitted(
            school.id, 6, datetime.now(timezone.utc) - timedelta(days=3), first="Pia", last="Public"
        )
    )
    worker.wait_until_settled()

    page = fetch(
        dashboard, "/admin/dashboard", cookies={"edquill_session": school.tokens["viewer"]}
    )

    assert page.status == 200
    assert f'href="{PUBLIC_URL}/admin/registrar?registration=6"' in page.body
    assert registrar_service.url not in page.body
