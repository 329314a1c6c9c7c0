"""/api/admin/staff and /api/admin/tokens against the real MariaDB: admins only, one school's
accounts and tokens invisible to another, the last admin kept, bad input named."""

from __future__ import annotations

import secrets

import pytest

from registrar.adapters.users_store import create_user

STAFF = "/api/admin/staff"
TOKENS = "/api/admin/tokens"
PASSWORD = "correct horse battery"


def _account(registrar_db, school, role="registrar") -> tuple[int, str]:
    email = f"staff-{secrets.token_hex(4)}@school.example"
    return create_user(registrar_db, school.id, email, role, PASSWORD), email


def _sign_in(client, email) -> dict:
    token = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    return {"Accesstoken": token.get_json()["token"]}


def _audited(registrar_db, school_id, action):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT old_value, new_value FROM t_audit_log WHERE school_id = %s AND action = %s",
            (school_id, action),
        )
        return [(row["old_value"], row["new_value"]) for row in cursor.fetchall()]


def test_an_admin_lists_the_schools_staff_with_role_and_last_sign_in(
    client, registrar_db, school, other_school
):
    _user_id, email = _account(registrar_db, school)
    _account(registrar_db, other_school)
    _sign_in(client, email)

    answer = client.get(STAFF, headers=school.headers("admin"))

    assert answer.status_code == 200
    (member,) = answer.get_json()["staff"]
    assert (member["email"], member["role"], member["disabled_at"]) == (email, "registrar", None)
    assert member["last_login_at"].endswith("Z")


def test_an_admin_adds_an_account_that_signs_in(client, school):
    email = f"new-{secrets.token_hex(4)}@school.example"
    answer = client.post(
        STAFF,
        json={"email": email, "role": "viewer", "password": PASSWORD},
        headers=school.headers("admin"),
    )

    assert answer.status_code == 201
    signed_in = client.get("/api/auth/me", headers=_sign_in(client, email))
    assert signed_in.get_json()["role"] == "viewer"


def test_an_e_mail_with_an_account_is_a_conflict(client, registrar_db, school):
    _user_id, email = _account(registrar_db, school)
    answer = client.post(
        STAFF,
        json={"email": email.upper(), "role": "viewer", "password": PASSWORD},
        headers=school.headers("admin"),
    )

    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "email_taken"


def test_a_bad_new_account_names_each_field(client, school):
    answer = client.post(
        STAFF,
        json={"email": "not-an-address", "role": "owner", "password": "short"},
        headers=school.headers("admin"),
    )

    assert answer.status_code == 422
    fields = answer.get_json()["error"]["details"]["fields"]
    assert {"email", "role", "password"} <= set(fields)


def test_a_role_change_is_applied_and_audited(client, registrar_db, school):
    user_id, email = _account(registrar_db, school)
    session = _sign_in(client, email)

    answer = client.patch(
        f"{STAFF}/{user_id}/role", json={"role": "viewer"}, headers=school.headers("admin")
    )

    assert answer.status_code == 200
    assert answer.get_json()["role"] == "viewer"
    assert client.get("/api/auth/me", headers=session).get_json()["role"] == "viewer"
    assert _audited(registrar_db, school.id, "role_changed") == [("registrar", "viewer")]


def test_disabling_an_account_stops_its_session_and_enabling_lets_it_sign_in(
    client, registrar_db, school
):
    user_id, email = _account(registrar_db, school)
    session = _sign_in(client, email)

    disabled = client.patch(
        f"{STAFF}/{user_id}/disabled", json={"disabled": True}, headers=school.headers("admin")
    )

    assert disabled.status_code == 200
    assert disabled.get_json()["disabled_at"].endswith("Z")
    assert client.get("/api/auth/me", headers=session).status_code == 401
    enabled = client.patch(
        f"{STAFF}/{user_id}/disabled", json={"disabled": False}, headers=school.headers("admin")
    )
    assert enabled.get_json()["disabled_at"] is None
    assert client.get("/api/auth/me", headers=_sign_in(client, email)).status_code == 200


@pytest.mark.parametrize(
    "change", [("role", {"role": "registrar"}), ("disabled", {"disabled": True})]
)
def test_the_last_admin_is_neither_demoted_nor_disabled(client, registrar_db, school, change):
    admin_id, email = _account(registrar_db, school, "admin")
    path, body = change

    answer = client.patch(f"{STAFF}/{admin_id}/{path}", json=body, headers=_sign_in(client, email))

    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "last_admin"
    (member,) = client.get(STAFF, headers=school.headers("admin")).get_json()["staff"]
    assert (member["role"], member["disabled_at"]) == ("admin", None)


def test_an_admin_is_demoted_while_another_admin_stays(client, registrar_db, school):
    admin_id, _email = _account(registrar_db, school, "admin")
    _account(registrar_db, school, "admin")

    answer = client.patch(
        f"{STAFF}/{admin_id}/role", json={"role": "viewer"}, headers=school.headers("admin")
    )

    assert answer.status_code == 200


def test_another_schools_account_is_not_found(client, registrar_db, school, other_school):
    user_id, _email = _account(registrar_db, other_school)

    for path, body in (("role", {"role": "viewer"}), ("disabled", {"disabled": True})):
        answer = client.patch(f"{STAFF}/{user_id}/{path}", json=body, headers=school.headers())
        assert answer.status_code == 404
    (member,) = client.get(STAFF, headers=other_school.headers()).get_json()["staff"]
    assert (member["role"], member["disabled_at"]) == ("registrar", None)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", STAFF, None),
        ("post", STAFF, {"email": "a@school.example", "role": "viewer", "password": PASSWORD}),
        ("patch", f"{STAFF}/1/role", {"role": "viewer"}),
        ("patch", f"{STAFF}/1/disabled", {"disabled": True}),
        ("get", TOKENS, None),
        ("post", TOKENS, {"role": "viewer"}),
        ("delete", f"{TOKENS}/1", None),
    ],
)
def test_every_staff_endpoint_needs_an_admin_token(client, school, method, path, body):
    call = getattr(client, method)

    assert call(path, json=body).status_code == 401
    for role in ("registrar", "viewer"):
        refused = call(path, json=body, headers=school.headers(role))
        assert refused.status_code == 403, (role, refused.get_json())


def test_a_token_is_shown_once_listed_without_its_secret_and_works(client, registrar_db, school):
    issued = client.post(
        TOKENS, json={"role": "viewer", "label": "reports"}, headers=school.headers("admin")
    )

    assert issued.status_code == 201
    token = issued.get_json()["token"]
    assert client.get("/api/auth/me", headers={"Accesstoken": token}).status_code == 200
    listed = client.get(TOKENS, headers=school.headers("admin")).get_json()["tokens"]
    mine = next(row for row in listed if row["id"] == issued.get_json()["id"])
    assert (mine["role"], mine["label"], mine["revoked_at"]) == ("viewer", "reports", None)
    assert token not in str(listed)
    assert _audited(registrar_db, school.id, "token_issued") == [(None, "viewer")]


def test_a_revoked_token_is_refused_and_revoking_it_again_is_a_conflict(client, school):
    issued = client.post(TOKENS, json={"role": "viewer"}, headers=school.headers("admin"))
    token_id, token = issued.get_json()["id"], issued.get_json()["token"]

    revoked = client.delete(f"{TOKENS}/{token_id}", headers=school.headers("admin"))
    again = client.delete(f"{TOKENS}/{token_id}", headers=school.headers("admin"))

    assert revoked.status_code == 204
    assert client.get("/api/auth/me", headers={"Accesstoken": token}).status_code == 401
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_revoked"


def test_another_schools_token_is_not_found_and_stays_live(client, school, other_school):
    issued = client.post(TOKENS, json={"role": "viewer"}, headers=other_school.headers("admin"))

    answer = client.delete(f"{TOKENS}/{issued.get_json()['id']}", headers=school.headers())

    assert answer.status_code == 404
    still = client.get("/api/auth/me", headers={"Accesstoken": issued.get_json()["token"]})
    assert still.status_code == 200


def test_a_bad_token_request_names_each_field(client, school):
    answer = client.post(
        TOKENS, json={"role": "owner", "ttl_days": 0}, headers=school.headers("admin")
    )

    assert answer.status_code == 422
    assert {"role", "ttl_days"} <= set(answer.get_json()["error"]["details"]["fields"])
