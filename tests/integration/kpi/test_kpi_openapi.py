"""The KPI service's /openapi.json is true: every operation, called with examples drawn from
its own documented input by a school's viewer (the token checked by the real registrar),
answers as documented, for a school with figures."""

from __future__ import annotations

import pytest

from kpi.entrypoints.app import create_app
from kpi.service_layer.fold import fold_events
from registrar.adapters.tokens_store import issue_token
from shared import db
from tests.support.factories import create_school
from tests.support.kpi import invoice_event, school_created, status_changed, submitted, utc
from tests.support.openapi import (
    CONFORMANCE_CHECKS,
    assert_token_required_as_documented,
    conformance_settings,
    published_openapi,
    token_settings,
)

openapi = published_openapi(create_app)

tokenless = published_openapi(create_app, positive_only=True)


@pytest.fixture(scope="module")
def kpi_app(kpi_settings):
    return create_app(kpi_settings, {"TESTING": True})


@pytest.fixture(scope="module")
def viewer_headers(settings) -> dict[str, str]:
    """A viewer of a school whose leads, approval and invoice the KPI tables hold."""
    registrar, kpi = db.connect(settings, "registrar"), db.connect(settings, "kpi")
    school_id = create_school(registrar, timezone="America/New_York")
    with db.transaction(kpi) as cursor:
        fold_events(
            cursor,
            [
                school_created(school_id, timezone_name="America/New_York"),
                *(submitted(school_id, n, utc(2025, 11, 13, 15, n), "web") for n in (1, 2)),
                status_changed(school_id, 1, "in_review", "approved", utc(2025, 11, 13, 17, 0)),
                invoice_event("invoice.issued", school_id, 1, 1, 20_000, utc(2025, 11, 13, 17, 1)),
            ],
        )
    token = issue_token(registrar, school_id, "viewer")
    registrar.close(), kpi.close()
    return {"Accesstoken": token}


@pytest.mark.openapi
@openapi.parametrize()
@conformance_settings
def test_kpi_answers_as_its_openapi_says(case, kpi_app, viewer_headers):
    case.call_and_validate(app=kpi_app, headers=viewer_headers, checks=CONFORMANCE_CHECKS)


@pytest.mark.openapi
@tokenless.parametrize()
@token_settings
def test_kpi_asks_for_a_token_where_its_openapi_says(case, kpi_app):
    assert_token_required_as_documented(case, kpi_app)
