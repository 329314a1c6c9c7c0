"""Registration documents: upload (413 too large, 415 not PDF/PNG/JPEG by its bytes), list,
download (never another school's) and verify."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from registrar.entrypoints.app import create_app
from tests.support.classes import audit_actions, count_rows
from tests.support.factories import create_registration

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TEN_MB = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def documents_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("documents")


@pytest.fixture(scope="module")
def documents_app(settings, documents_dir):
    """The registrar with its documents in a directory of this module's own."""
    return create_app(replace(settings, documents_dir=str(documents_dir)), {"TESTING": True})


@pytest.fixture
def client(documents_app):
    return documents_app.test_client()


@pytest.fixture
def registration_id(registrar_db, school):
    return create_registration(registrar_db, school.id)


def upload(
    client,
    school,
    registration_id,
    content=PDF,
    filename="birth.pdf",
    content_type="application/pdf",
    role="registrar",
    **form,
):
    return client.post(
        f"/api/admin/self-registration/{registration_id}/documents",
        data={"file": (io.BytesIO(content), filename, content_type), **form},
        content_type="multipart/form-data",
        headers=school.headers(role),
    )


def stored_files(documents_dir):
    return sorted(p for p in documents_dir.rglob("*") if p.is_file())


def test_uploading_needs_a_token(client, registration_id):
    response = client.post(
        f"/api/admin/self-registration/{registration_id}/documents",
        data={"file": (io.BytesIO(PDF), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 401


def test_a_viewer_may_not_upload(client, school, registration_id, registrar_db):
    assert upload(client, school, registration_id, role="viewer").status_code == 403
    assert count_rows(registrar_db, "registration_documents", school.id) == 0


def test_a_registrar_uploads_a_pdf(client, school, registration_id):
    response = upload(client, school, registration_id, kind="birth_certificate")
    assert response.status_code == 201
    document = response.get_json()
    assert {
        key: document[key]
        for key in ("registration_id", "kind", "filename", "content_type", "size_bytes", "verified")
    } == {
        "registration_id": registration_id,
        "kind": "birth_certificate",
        "filename": "birth.pdf",
        "content_type": "application/pdf",
        "size_bytes": len(PDF),
        "verified": False,
    }


def test_an_upload_is_stored_outside_the_web_root_under_a_name_of_its_own(
    client, school, registration_id, documents_dir
):
    before = set(stored_files(documents_dir))
    upload(client, school, registration_id, filename="../../etc/passwd.pdf")
    (new_file,) = set(stored_files(documents_dir)) - before
    assert new_file.read_bytes() == PDF
    assert new_file.parent == documents_dir / str(school.id)
    assert "passwd" not in new_file.name


def test_uploading_writes_an_audit_entry(client, school, registration_id, registrar_db):
    upload(client, school, registration_id)
    assert audit_actions(registrar_db, school.id, "registration", registration_id)[-1] == (
        "document_uploaded"
    )


def test_the_type_comes_from_the_bytes_not_the_client(client, school, registration_id):
    response = upload(
        client,
        school,
        registration_id,
        content=PNG,
        filename="scan.pdf",
        content_type="application/pdf",
    )
    assert response.get_json()["content_type"] == "image/png"


def test_a_file_that_is_not_pdf_png_or_jpeg_is_refused(
    client, school, registration_id, registrar_db, documents_dir
):
    before = stored_files(documents_dir)
    response = upload(
        client,
        school,
        registration_id,
        content=b"MZ\x90\x00 an executable",
        filename="scan.pdf",
        content_type="application/pdf",
    )
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"
    assert count_rows(registrar_db, "registration_documents", school.id) == 0
    assert stored_files(documents_dir) == before


def test_a_file_over_ten_megabytes_is_refused(
    client, school, registration_id, registrar_db, documents_dir
):
    before = stored_files(documents_dir)
    too_large = PDF + b"\0" * (TEN_MB - len(PDF) + 1)
    response = upload(client, school, registration_id, content=too_large)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert count_rows(registrar_db, "registration_documents", school.id) == 0
    assert stored_files(documents_dir) == before


def test_a_file_of_exactly_ten_megabytes_is_accepted(client, school, registration_id):
    response = upload(client, school, registration_id, content=PDF + b"\0" * (TEN_MB - len(PDF)))
    assert response.status_code == 201


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(client, school, registration_id):
    response = upload(client, school, registration_id, content=PDF + b"\0" * (2 * TEN_MB))
    assert response.status_code == 413


def test_an_upload_without_a_file_is_refused_with_the_field(client, school, registration_id):
    response = client.post(
        f"/api/admin/self-registration/{registration_id}/documents",
        data={"kind": "other"},
        content_type="multipart/form-data",
        headers=school.headers("registrar"),
    )
    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["file"]


def test_an_unknown_kind_is_refused_with_the_field(client, school, registration_id, registrar_db):
    response = upload(client, school, registration_id, kind="selfie")
    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["kind"]
    assert count_rows(registrar_db, "registration_documents", school.id) == 0


def test_uploading_for_another_schools_registration_is_not_found(
    client, school, other_school, registrar_db, documents_dir
):
    foreign = create_registration(registrar_db, other_school.id)
    before = stored_files(documents_dir)
    assert upload(client, school, foreign).status_code == 404
    assert count_rows(registrar_db, "registration_documents", other_school.id) == 0
    assert stored_files(documents_dir) == before


def test_a_viewer_lists_a_registrations_documents(client, school, registration_id):
    first = upload(client, school, registration_id).get_json()
    second = upload(
        client, school, registration_id, content=PNG, filename="proof.png", kind="proof_of_address"
    ).get_json()
    response = client.get(
        f"/api/admin/self-registration/{registration_id}/documents",
        headers=school.headers("viewer"),
    )
    assert response.status_code == 200
    assert response.get_json() == [first, second]


def test_listing_another_schools_registration_is_not_found(
    client, school, other_school, registrar_db
):
    foreign = create_registration(registrar_db, other_school.id)
    response = client.get(
        f"/api/admin/self-registration/{foreign}/documents", headers=school.headers("viewer")
    )
    assert response.status_code == 404


def test_a_viewer_downloads_a_document_as_it_was_uploaded(client, school, registration_id):
    document = upload(client, school, registration_id).get_json()
    response = client.get(document["download_url"], headers=school.headers("viewer"))
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response.headers["Content-Disposition"]


def test_downloading_needs_a_token(client, school, registration_id):
    document = upload(client, school, registration_id).get_json()
    assert client.get(document["download_url"]).status_code == 401


def test_another_schools_document_is_not_found(client, school, other_school, registration_id):
    document = upload(client, school, registration_id).get_json()
    response = client.get(document["download_url"], headers=other_school.headers("admin"))
    assert response.status_code == 404
    assert PDF not in response.data


def test_a_registrar_verifies_a_document(client, school, registration_id, registrar_db):
    document = upload(client, school, registration_id).get_json()
    response = client.post(
        f"/api/admin/documents/{document['id']}/verify", headers=school.headers("registrar")
    )
    assert response.status_code == 200
    assert response.get_json()["verified"] is True
    assert audit_actions(registrar_db, school.id, "registration", registration_id)[-1] == (
        "document_verified"
    )


def test_verifying_again_changes_nothing(client, school, registration_id, registrar_db):
    document = upload(client, school, registration_id).get_json()
    url = f"/api/admin/documents/{document['id']}/verify"
    first = client.post(url, headers=school.headers("registrar")).get_json()
    second = client.post(url, headers=school.headers("registrar")).get_json()
    assert second == first
    assert (
        audit_actions(registrar_db, school.id, "registration", registration_id).count(
            "document_verified"
        )
        == 1
    )


def test_a_viewer_may_not_verify(client, school, registration_id):
    document = upload(client, school, registration_id).get_json()
    response = client.post(
        f"/api/admin/documents/{document['id']}/verify", headers=school.headers("viewer")
    )
    assert response.status_code == 403


def test_verifying_another_schools_document_is_not_found(
    client, school, other_school, registration_id, registrar_db
):
    document = upload(client, school, registration_id).get_json()
    response = client.post(
        f"/api/admin/documents/{document['id']}/verify", headers=other_school.headers("admin")
    )
    assert response.status_code == 404
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT verified_at FROM registration_documents WHERE id = %s", (document["id"],)
        )
        assert cursor.fetchone()["verified_at"] is None
