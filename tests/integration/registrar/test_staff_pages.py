"""/admin/staff and /admin/audit (Flask's test client, real MariaDB): signed in, the role
each needs enforced on every page and form, CSRF on every post, one school's rows only."""

from __future__ import annotations

import re
import secrets

import pytest

from registrar.adapters.users_store import create_user
from tests.support.pages import csrf_field, sign_in_with_form

PASSWORD = "correct horse battery"


def _signed_in(client, registrar_db, school, role, address) -> str:
    email = f"{role}-{secrets.token_hex(4)}@school.example"
    create_user(registrar_db, school.id, email, role, PASSWORD)
    assert sign_in_with_form(client, email, PASSWORD, address=address).status_code == 303
    return email


@pytest.fixture
def admin_page(client, registrar_db, school, client_address):
    _signed_in(client, registrar_db, school, "admin", client_address)
    return client


def _colleague(registrar_db, school, role="registrar") -> tuple[int, str]:
    email = f"colleague-{secrets.token_hex(4)}@school.example"
    return create_user(registrar_db, school.id, email, role, PASSWORD), email


def _csrf(page) -> str:
    return csrf_field(page.get("/admin/staff").text)


def test_the_staff_page_lists_the_schools_accounts_only(
    admin_page, registrar_db, school, other_school
):
    _id, mine = _colleague(registrar_db, school)
    _id, theirs = _colleague(registrar_db, other_school)

    html = admin_page.get("/admin/staff").text

    assert mine in html and theirs not in html
    assert 'href="/admin/staff" aria-current="page"' in html


def test_the_staff_page_needs_a_session(client):
    answer = client.get("/admin/staff")

    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["registrar", "viewer"])
def test_the_staff_page_and_its_forms_are_for_admins(
    client, registrar_db, school, client_address, role
):
    _signed_in(client, registrar_db, school, role, client_address)
    colleague_id, _email = _colleague(registrar_db, school)
    csrf = csrf_field(client.get("/admin/registrar").text)

    page = client.get("/admin/staff")
    post = client.post(
        f"/admin/staff/{colleague_id}/disabled", data={"csrf_token": csrf, "disabled": "yes"}
    )

    assert page.status_code == 403 and "for the admin role" in page.text
    assert post.status_code == 403
    assert 'href="/admin/staff"' not in client.get("/admin/registrar").text
    with registrar_db.cursor() as cursor:
        cursor.execute("SELECT disabled_at FROM t_user WHERE id = %s", (colleague_id,))
        assert cursor.fetchone()["disabled_at"] is None


def test_a_post_without_its_csrf_token_changes_nothing(admin_page, registrar_db, school):
    colleague_id, _email = _colleague(registrar_db, school)

    answer = admin_page.post(f"/admin/staff/{colleague_id}/role", data={"role": "viewer"})

    assert answer.status_code == 403
    with registrar_db.cursor() as cursor:
        cursor.execute("SELECT role FROM t_user WHERE id = %s", (colleague_id,))
        assert cursor.fetchone()["role"] == "registrar"


def test_an_admin_changes_a_role_from_the_page(admin_page, registrar_db, school):
    colleague_id, _email = _colleague(registrar_db, school)

    answer = admin_page.post(
        f"/admin/staff/{colleague_id}/role",
        data={"csrf_token": _csrf(admin_page), "role": "viewer"},
    )

    assert answer.status_code == 303
    assert "The role was changed" in admin_page.get(answer.headers["Location"]).text


def test_the_last_admin_cannot_demote_themself_from_the_page(
    client, registrar_db, school, client_address
):
    email = _signed_in(client, registrar_db, school, "admin", client_address)
    with registrar_db.cursor() as cursor:
        cursor.execute("SELECT id FROM t_user WHERE email = %s", (email,))
        admin_id = cursor.fetchone()["id"]

    answer = client.post(
        f"/admin/staff/{admin_id}/role", data={"csrf_token": _csrf(client), "role": "viewer"}
    )

    assert answer.status_code == 409
    assert "last active admin" in answer.text


def test_another_schools_account_is_not_found_from_the_page(admin_page, registrar_db, other_school):
    colleague_id, _email = _colleague(registrar_db, other_school)

    answer = admin_page.post(
        f"/admin/staff/{colleague_id}/disabled",
        data={"csrf_token": _csrf(admin_page), "disabled": "yes"},
    )

    assert answer.status_code == 404


def test_a_new_account_with_a_short_password_is_refused_keeping_the_e_mail(admin_page):
    answer = admin_page.post(
        "/admin/staff",
        data={
            "csrf_token": _csrf(admin_page),
            "email": "new@school.example",
            "role": "viewer",
            "password": "short",
        },
    )

    assert answer.status_code == 422
    assert "Password:" in answer.text
    assert 'value="new@school.example"' in answer.text


def test_a_token_issued_on_the_page_is_shown_once_and_works(admin_page, client):
    answer = admin_page.post(
        "/admin/staff/tokens",
        data={"csrf_token": _csrf(admin_page), "role": "viewer", "label": "exports"},
    )

    assert answer.status_code == 200
    token = re.search(r'id="issued-token"[^>]*value="([^"]+)"', answer.text).group(1)
    assert client.get("/api/auth/me", headers={"Accesstoken": token}).status_code == 200
    assert token not in admin_page.get("/admin/staff").text


def test_the_audit_page_shows_a_filtered_trail_to_a_viewer(
    client, registrar_app, registrar_db, school, client_address
):
    colleague_id, _email = _colleague(registrar_db, school)
    admin = _signed_in(client, registrar_db, school, "admin", client_address)
    client.post(
        f"/admin/staff/{colleague_id}/role", data={"csrf_token": _csrf(client), "role": "viewer"}
    )
    viewer = registrar_app.test_client()
    _signed_in(viewer, registrar_db, school, "viewer", client_address)

    changed = viewer.get("/admin/audit", query_string={"action": "role_changed"}).text
    revoked = viewer.get("/admin/audit", query_string={"action": "token_revoked"}).text

    assert admin in changed and "role changed" in changed
    assert admin not in revoked and "No entries match these filters" in revoked


def test_a_bad_cursor_on_the_audit_page_is_named(admin_page):
    answer = admin_page.get("/admin/audit", query_string={"cursor": "nonsense"})

    assert answer.status_code == 422
    assert "Cursor:" in answer.text


def _open_invitations(registrar_db, school) -> list[tuple[str, str]]:
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT email, role FROM t_staff_invitation WHERE school_id = %s AND state = 'open'",
            (school.id,),
        )
        return [(row["email"], row["role"]) for row in cursor.fetchall()]


def test_an_admin_invites_a_colleague_from_the_page(admin_page, registrar_db, school):
    email = f"invited-{secrets.token_hex(4)}@school.example"

    answer = admin_page.post(
        "/admin/staff/invitations",
        data={"csrf_token": _csrf(admin_page), "email": email, "role": "registrar"},
    )

    assert answer.status_code == 303
    page = admin_page.get(answer.headers["Location"]).text
    assert "The invitation was sent" in page
    assert re.search(rf'<tr id="invitation-\d+">\s*<th scope="row">{re.escape(email)}</th>', page)
    assert _open_invitations(registrar_db, school) == [(email, "registrar")]


def test_an_invitation_without_its_csrf_token_or_by_a_registrar_is_not_sent(
    admin_page, registrar_app, registrar_db, school, client_address
):
    form = {"email": f"invited-{secrets.token_hex(4)}@school.example", "role": "viewer"}
    assert admin_page.post("/admin/staff/invitations", data=form).status_code == 403

    registrar = registrar_app.test_client()
    _signed_in(registrar, registrar_db, school, "registrar", client_address)
    csrf = csrf_field(registrar.get("/admin/registrar").text)
    refused = registrar.post("/admin/staff/invitations", data={**form, "csrf_token": csrf})

    assert refused.status_code == 403 and "for the admin role" in refused.text
    assert _open_invitations(registrar_db, school) == []


def test_a_bad_invitation_is_refused_keeping_what_was_typed(admin_page, registrar_db, school):
    answer = admin_page.post(
        "/admin/staff/invitations",
        data={"csrf_token": _csrf(admin_page), "email": "not-an-address", "role": "viewer"},
    )

    assert answer.status_code == 422
    assert "Email:" in answer.text and 'value="not-an-address"' in answer.text
    assert _open_invitations(registrar_db, school) == []


def test_an_admin_cancels_an_invitation_from_the_page(admin_page, registrar_db, school):
    csrf = _csrf(admin_page)
    email = f"invited-{secrets.token_hex(4)}@school.example"
    admin_page.post(
        "/admin/staff/invitations", data={"csrf_token": csrf, "email": email, "role": "viewer"}
    )
    invitation_id = re.search(r'<tr id="invitation-(\d+)">', admin_page.get("/admin/staff").text)[1]

    answer = admin_page.post(
        f"/admin/staff/invitations/{invitation_id}/cancel", data={"csrf_token": csrf}
    )

    assert answer.status_code == 303
    assert "The invitation was cancelled" in admin_page.get(answer.headers["Location"]).text
    assert _open_invitations(registrar_db, school) == []
