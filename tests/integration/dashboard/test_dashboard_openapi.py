"""The dashboard's /openapi.json is true: every operation, called with examples drawn from its
own documented input by a school admin, answers as documented, with the real registrar, KPI
service and notifier behind it."""

from __future__ import annotations

import pytest

from dashboard.entrypoints.app import create_app
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
def dashboard_app(client):
    return client.application


@pytest.mark.openapi
@openapi.parametrize()
@conformance_settings
def test_dashboard_answers_as_its_openapi_says(case, dashboard_app, make_school):
    case.call_and_validate(
        app=dashboard_app, headers=make_school().headers("admin"), checks=CONFORMANCE_CHECKS
    )


@pytest.mark.openapi
@tokenless.parametrize()
@token_settings
def test_dashboard_asks_for_a_token_where_its_openapi_says(case, dashboard_app):
    assert_token_required_as_documented(case, dashboard_app)
