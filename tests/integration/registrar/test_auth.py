"""Staff sign-in (/api/auth/login), who-am-I and sign-out against the real MariaDB."""

from __future__ import annotations

import secrets

import pytest

from registrar.service_layer.sign_in import ACCOUNT_FAILURES, ADDRESS_FAILURES

LOGIN = "/api/auth/login"


@pytest.fixture
def sign_in(client, client_address):
    def post(email, password, **kwargs):
        return client.post(
            LOGIN,
            json={"email": email, "password": password},
            headers={"X-Forwarded-For": client_address},
            **kwargs,
        )

    return post


def _tokens_of(registrar_db, user_id):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT school_id, role, user_id, expires_at, "
            "TIMESTAMPDIFF(MINUTE, UTC_TIMESTAMP(), expires_at) AS minutes_left "
            "FROM t_api_token WHERE user_id = %s",
            (user_id,),
        )
        return cursor.fetchall()


def test_right_password_answers_a_token_issued_to_the_account(sign_in, staff_account, registrar_db):
    response = sign_in(staff_account.email, staff_account.password)

    assert response.status_code == 200
    assert response.get_json()["token"]
    (token,) = _tokens_of(registrar_db, staff_account.id)
    assert (token["school_id"], token["role"]) == (staff_account.school_id, "registrar")
    assert 11 * 60 < token["minutes_left"] <= 12 * 60


def test_the_token_opens_the_accounts_school(sign_in, staff_account, client):
    token = sign_in(staff_account.email, staff_account.password).get_json()["token"]

    me = client.get("/api/auth/me", headers={"Accesstoken": token}).get_json()

    assert me["school"]["id"] == staff_account.school_id
    assert me["role"] == "registrar"
    assert me["user"] == {"id": staff_account.id, "email": staff_account.email}


def test_email_is_matched_without_regard_to_case(sign_in, staff_account):
    assert sign_in(staff_account.email.upper(), staff_account.password).status_code == 200


def test_wrong_password_is_401_and_issues_no_token(sign_in, staff_account, registrar_db):
    response = sign_in(staff_account.email, "not the password")

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"
    assert _tokens_of(registrar_db, staff_account.id) == ()


def test_unknown_email_answers_exactly_as_a_wrong_password(sign_in, staff_account):
    unknown = sign_in("nobody@school.example", "whatever password")
    wrong = sign_in(staff_account.email, "whatever password")

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_json() == wrong.get_json()


def test_disabled_account_cannot_sign_in(sign_in, staff_account, registrar_db):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "UPDATE t_user SET disabled_at = UTC_TIMESTAMP() WHERE id = %s", (staff_account.id,)
        )

    assert sign_in(staff_account.email, staff_account.password).status_code == 401


def test_missing_fields_are_422_naming_each(client):
    response = client.post(LOGIN, json={})

    assert response.status_code == 422
    assert set(response.get_json()["error"]["details"]["fields"]) == {"email", "password"}


def test_a_form_encoded_body_is_400(client, staff_account):
    response = client.post(LOGIN, data={"email": staff_account.email, "password": "x"})

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_malformed_json_is_400(client):
    response = client.post(LOGIN, data="{email:", content_type="application/json")

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_a_huge_body_is_413(client):
    response = client.post(LOGIN, json={"email": "a@b.example", "password": "x" * 100_000})

    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_account_is_locked_after_repeated_failures_even_for_the_right_password(
    sign_in, staff_account
):
    for _ in range(ACCOUNT_FAILURES.max_hits):
        assert sign_in(staff_account.email, "wrong guess").status_code == 401

    response = sign_in(staff_account.email, staff_account.password)

    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"
    assert 0 < int(response.headers["Retry-After"]) <= ACCOUNT_FAILURES.window_seconds


def test_account_lockout_holds_from_every_address(client, staff_account):
    for number in range(ACCOUNT_FAILURES.max_hits):
        client.post(
            LOGIN,
            json={"email": staff_account.email, "password": "wrong guess"},
            headers={"X-Forwarded-For": f"198.19.1.{number + 1}"},
        )

    response = client.post(
        LOGIN,
        json={"email": staff_account.email, "password": staff_account.password},
        headers={"X-Forwarded-For": "198.19.2.1"},
    )

    assert response.status_code == 429


def test_a_successful_sign_in_clears_the_accounts_failures(sign_in, staff_account):
    for _ in range(ACCOUNT_FAILURES.max_hits - 1):
        sign_in(staff_account.email, "wrong guess")
    assert sign_in(staff_account.email, staff_account.password).status_code == 200

    for _ in range(ACCOUNT_FAILURES.max_hits - 1):
        sign_in(staff_account.email, "wrong guess")

    assert sign_in(staff_account.email, staff_account.password).status_code == 200


def _accented(email: str) -> str:
    """`Śtaff-…@` for the fixture's `staff-…@` (as `Ádmin@` for `admin@`): the table's
    collation matches it to the same account, a lower-cased comparison would not."""
    assert email.startswith("s")
    return "Ś" + email[1:]


def test_spellings_of_one_account_share_one_lockout(client, staff_account):
    spellings = [_accented(staff_account.email), staff_account.email.upper(), staff_account.email]
    for number in range(ACCOUNT_FAILURES.max_hits):
        answer = client.post(
            LOGIN,
            json={"email": spellings[number % 3], "password": "wrong guess"},
            headers={"X-Forwarded-For": f"198.19.3.{number + 1}"},
        )
        assert answer.status_code == 401

    for spelling in spellings:
        response = client.post(
            LOGIN,
            json={"email": spelling, "password": staff_account.password},
            headers={"X-Forwarded-For": "198.19.4.1"},
        )
        assert response.status_code == 429, spelling


def test_an_accented_spelling_of_the_address_signs_in_to_the_account(
    sign_in, staff_account, client
):
    token = sign_in(_accented(staff_account.email), staff_account.password).get_json()["token"]

    me = client.get("/api/auth/me", headers={"Accesstoken": token}).get_json()

    assert me["user"]["id"] == staff_account.id


def test_unknown_addresses_that_fold_alike_share_one_lockout(client):
    name = f"nobody-{secrets.token_hex(3)}"
    spellings = [
        f"Nó{name[2:]}@School.example",
        f"{name.upper()}@school.example",
        f"ｎ{name[1:]}@school.example",
        f"{name}@schoól.example",
        f"{name}@school.example",
    ]
    for number in range(ACCOUNT_FAILURES.max_hits):
        client.post(
            LOGIN,
            json={"email": spellings[number], "password": "wrong guess"},
            headers={"X-Forwarded-For": f"198.19.5.{number + 1}"},
        )

    response = client.post(
        LOGIN,
        json={"email": f"{name}@school.example", "password": "wrong guess"},
        headers={"X-Forwarded-For": "198.19.6.1"},
    )

    assert response.status_code == 429


def test_an_unknown_address_that_folds_differently_keeps_its_own_counter(client):
    name = f"nobody-{secrets.token_hex(3)}"
    for number in range(ACCOUNT_FAILURES.max_hits):
        client.post(
            LOGIN,
            json={"email": f"{name}@school.example", "password": "wrong"},
            headers={"X-Forwarded-For": f"198.19.7.{number + 1}"},
        )

    response = client.post(
        LOGIN,
        json={"email": f"{name}x@school.example", "password": "wrong"},
        headers={"X-Forwarded-For": "198.19.8.1"},
    )

    assert response.status_code == 401


def test_a_disabled_accounts_failures_still_count_against_it(client, staff_account, registrar_db):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "UPDATE t_user SET disabled_at = UTC_TIMESTAMP() WHERE id = %s", (staff_account.id,)
        )
    for number in range(ACCOUNT_FAILURES.max_hits):
        client.post(
            LOGIN,
            json={"email": staff_account.email, "password": "wrong guess"},
            headers={"X-Forwarded-For": f"198.19.9.{number + 1}"},
        )

    response = client.post(
        LOGIN,
        json={"email": staff_account.email.upper(), "password": "wrong guess"},
        headers={"X-Forwarded-For": "198.19.10.1"},
    )

    assert response.status_code == 429


def test_an_address_is_refused_after_repeated_failures_across_accounts(sign_in, staff_account):
    for number in range(ADDRESS_FAILURES.max_hits):
        assert sign_in(f"guess-{number}@school.example", "wrong guess").status_code == 401

    response = sign_in(staff_account.email, staff_account.password)

    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_me_without_a_token_is_401(client):
    response = client.get("/api/auth/me")

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_me_with_an_unknown_token_is_401(client):
    assert client.get("/api/auth/me", headers={"Accesstoken": "forged"}).status_code == 401


def test_me_for_an_api_token_names_school_and_role_and_no_user(client, school):
    me = client.get("/api/auth/me", headers=school.headers("viewer")).get_json()

    assert me["school"]["id"] == school.id
    assert me["role"] == "viewer"
    assert me["user"] is None


def test_logout_revokes_the_token(sign_in, staff_account, client):
    token = sign_in(staff_account.email, staff_account.password).get_json()["token"]

    response = client.post("/api/auth/logout", headers={"Accesstoken": token})

    assert response.status_code == 204
    assert client.get("/api/auth/me", headers={"Accesstoken": token}).status_code == 401


def test_logout_leaves_the_schools_other_tokens_alone(client, school):
    client.post("/api/auth/logout", headers=school.headers("viewer"))

    assert client.get("/api/auth/me", headers=school.headers("admin")).status_code == 200


def test_logout_without_a_token_is_401(client):
    assert client.post("/api/auth/logout").status_code == 401
