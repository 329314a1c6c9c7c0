"""The notifier's /openapi.json is true: every operation, called with examples drawn from its
own documented input by a school admin (the token checked by the real registrar), answers as
documented, for a school with messages in its log and a template of its own wording."""

from __future__ import annotations

import pytest

from notifier.adapters import message_log_store
from notifier.adapters.message_log_store import LogEntry
from notifier.entrypoints.app import create_app
from registrar.adapters.tokens_store import issue_token
from tests.support.factories import create_school
from tests.support.notifier import utc
from tests.support.openapi import (
    CONFORMANCE_CHECKS,
    assert_token_required_as_documented,
    conformance_settings,
    published_openapi,
    token_settings,
    with_known_values,
)

openapi = published_openapi(create_app)
# A registration whose messages the log holds, and a message every school has.
KNOWN = {"registration_id": 81, "key": "needs_info"}

tokenless = published_openapi(create_app, positive_only=True)


@pytest.fixture(scope="module")
def notifier_app(api_settings):
    return create_app(api_settings, {"TESTING": True})


@pytest.fixture
def admin_headers(registrar_db, notifier_db) -> dict[str, str]:
    school_id = create_school(registrar_db)
    with notifier_db.cursor() as cursor:
        for status in ("sent", "failed"):
            message_log_store.insert_message(
                cursor,
                LogEntry(
                    school_id=school_id,
                    template_key="needs_info",
                    purpose="transactional",
                    recipient="parent@families.example",
                    status=status,
                    now=utc(2026, 1, 14, 15, 0),
                    registration_id=KNOWN["registration_id"],
                    subject="About your registration",
                ),
            )
    return {"Accesstoken": issue_token(registrar_db, school_id, "admin")}


@pytest.mark.openapi
@openapi.parametrize()
@conformance_settings
def test_notifier_answers_as_its_openapi_says(case, notifier_app, admin_headers):
    with_known_values(case, KNOWN)
    case.call_and_validate(app=notifier_app, headers=admin_headers, checks=CONFORMANCE_CHECKS)


@pytest.mark.openapi
@tokenless.parametrize()
@token_settings
def test_notifier_asks_for_a_token_where_its_openapi_says(case, notifier_app):
    assert_token_required_as_documented(case, notifier_app)
