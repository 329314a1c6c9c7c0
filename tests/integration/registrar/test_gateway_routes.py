"""The registrar's pages and APIs through the real nginx gateway (deploy/nginx/edquill.conf as
`edquill up` renders it): the staff and audit pages and their APIs reach the registrar instead of
the gateway's catch-all 404, and a family's answer with a document larger than the family pages'
small forms gets through to the registrar, which stores it."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from pathlib import Path

import pytest
import requests

from devtools import gateway
from tests.support.factories import create_registration
from tests.support.family import answer_form, ask_for_information, family_link_path
from tests.support.gateway import running_gateway
from tests.support.processes import serve

pytestmark = pytest.mark.skipif(gateway.find_nginx() is None, reason="nginx is not installed")

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# Larger than the family pages' 16 KiB forms, as a scanned certificate is.
SCAN_BYTES = 3 * 1024 * 1024
GATEWAY_NOT_FOUND = "no such page"


@pytest.fixture(scope="module")
def through_gateway(settings):
    # A large body waits in nginx's client_body temp folder, which its worker writes: run as
    # root, the worker is `nobody`, who cannot reach into pytest's private (0700) tmp folders.
    # A folder of its own that everyone may traverse, as `edquill up`'s var/ is.
    state_dir = Path(tempfile.mkdtemp(prefix="edquill-nginx-routes-"))
    state_dir.chmod(0o755)
    registrar = serve(settings, "registrar")
    try:
        with running_gateway(settings, state_dir, registrar=registrar.url) as url:
            yield url
    finally:
        registrar.stop()
        shutil.rmtree(state_dir, ignore_errors=True)


@pytest.mark.parametrize("path", ["/admin/staff", "/admin/audit"])
def test_the_staff_pages_reach_the_registrar(through_gateway, path):
    answer = requests.get(f"{through_gateway}{path}", allow_redirects=False, timeout=10)
    # Not signed in: the registrar sends the browser to its sign-in page.
    assert answer.status_code in (302, 303), answer.text
    assert "/login" in answer.headers["Location"]


@pytest.mark.parametrize("path", ["/api/admin/staff", "/api/admin/tokens", "/api/admin/audit"])
def test_the_staff_apis_reach_the_registrar(through_gateway, path):
    answer = requests.get(f"{through_gateway}{path}", timeout=10)
    assert answer.status_code == 401, answer.text
    assert GATEWAY_NOT_FOUND not in answer.text


def test_a_familys_answer_with_a_scanned_document_gets_through(
    through_gateway, settings, registrar_db, school
):
    email = f"family-{secrets.token_hex(4)}@example.com"
    registration_id = create_registration(registrar_db, school.id, email=email)
    ask_for_information(registrar_db, registration_id, "Please send the birth certificate.")
    page = family_link_path(settings, school.id, registration_id, email)
    html = requests.get(f"{through_gateway}{page}", timeout=10).text
    scan = PDF + b"0" * (SCAN_BYTES - len(PDF))

    answer = requests.post(
        f"{through_gateway}{page}/answer",
        data={**answer_form(html), "answer": "The certificate is attached."},
        files={"documents": ("certificate.pdf", scan, "application/pdf")},
        allow_redirects=False,
        timeout=60,
    )

    assert answer.status_code == 303, answer.text[:500]
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT r.status, d.size_bytes FROM student_self_registrations r "
            "JOIN registration_documents d ON d.registration_id = r.id WHERE r.id = %s",
            (registration_id,),
        )
        assert cursor.fetchall() == [{"status": "in_review", "size_bytes": SCAN_BYTES}]
