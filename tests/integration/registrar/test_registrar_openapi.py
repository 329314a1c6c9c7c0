"""The registrar's /openapi.json is true: every operation, called with examples drawn from its
own documented input by a school admin, answers as documented (logout excluded: it would end
the token the run uses).

The school holds one of everything (a registration in a class, an issued invoice, an uploaded
document) and the examples name those ids, so the answers checked are real ones, not only
404s."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from registrar.entrypoints.app import create_app
from tests.support.classes import registration_in_class
from tests.support.openapi import (
    CONFORMANCE_CHECKS,
    assert_token_required_as_documented,
    conformance_settings,
    published_openapi,
    token_settings,
    with_known_values,
)

openapi = published_openapi(create_app).exclude(path="/api/auth/logout")
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"

tokenless = published_openapi(create_app, positive_only=True)


@pytest.fixture(scope="module")
def openapi_app(settings, tmp_path_factory):
    """The registrar with its documents in a directory of this module's own."""
    documents_dir = tmp_path_factory.mktemp("documents")
    return create_app(replace(settings, documents_dir=str(documents_dir)), {"TESTING": True})


@pytest.fixture
def known_ids(openapi_app, registrar_db, school) -> dict[str, int]:
    """One of each object the API names by id, in `school`."""
    client = openapi_app.test_client()
    registration_id = registration_in_class(registrar_db, school.id)
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "UPDATE student_self_registrations SET consent_email = 1, "
            "consent_sms = 0 WHERE id = %s",
            (registration_id,),
        )
        cursor.execute(
            "SELECT p.schedule_id, s.teacher_id FROM class_placements p "
            "JOIN class_schedules s ON s.id = p.schedule_id "
            "WHERE p.registration_id = %s",
            (registration_id,),
        )
        placement = cursor.fetchone()
    invoice = client.post(
        "/api/admin/self-registration/approve",
        headers=school.headers(),
        json={
            "registration_id": registration_in_class(registrar_db, school.id, status="in_review"),
            "send_invoice": True,
            "send_autopay_link": False,
        },
    ).get_json()
    document = client.post(
        f"/api/admin/self-registration/{registration_id}/documents",
        data={"file": (io.BytesIO(PDF), "birth.pdf", "application/pdf")},
        content_type="multipart/form-data",
        headers=school.headers(),
    ).get_json()
    return {
        "registration_id": registration_id,
        "schedule_id": placement["schedule_id"],
        "teacher_id": placement["teacher_id"],
        "invoice_id": invoice["id"],
        "document_id": document["id"],
    }


@pytest.mark.openapi
@openapi.parametrize()
@conformance_settings
def test_registrar_answers_as_its_openapi_says(case, openapi_app, school, known_ids):
    with_known_values(case, known_ids)
    case.call_and_validate(
        app=openapi_app, headers=school.headers("admin"), checks=CONFORMANCE_CHECKS
    )


@pytest.mark.openapi
@tokenless.parametrize()
@token_settings
def test_registrar_asks_for_a_token_where_its_openapi_says(case, openapi_app):
    assert_token_required_as_documented(case, openapi_app)
