"""`edquill user disable|enable|set-role` and `edquill token list|revoke`, against the real
MariaDB and the registrar's API: each change holds from the very next request."""

from __future__ import annotations

import secrets
import subprocess

import pytest
from click.testing import CliRunner

from registrar.adapters.tokens_store import hash_token
from registrar.adapters.users_store import create_user
from registrar.entrypoints.cli import token, user
from shared.sessions import SESSION_COOKIE
from tests.support.processes import EDQUILL
from tests.support.servers import environment

LOGIN = "/api/auth/login"


def _run(group, settings, *args):
    return CliRunner().invoke(group, list(args), obj=settings)


def _installed(settings, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [EDQUILL, *args], env=environment(settings), capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def signed_in(client, client_address, staff_account):
    """A token the staff account signed in for."""
    answer = client.post(
        LOGIN,
        json={"email": staff_account.email, "password": staff_account.password},
        headers={"X-Forwarded-For": client_address},
    )
    return answer.get_json()["token"]


def _me(client, token):
    return client.get("/api/auth/me", headers={"Accesstoken": token})


def test_disable_refuses_the_accounts_tokens_on_their_next_request(
    settings, client, staff_account, signed_in
):
    assert _me(client, signed_in).status_code == 200

    result = _run(
        user,
        settings,
        "disable",
        "--school-id",
        str(staff_account.school_id),
        "--email",
        staff_account.email,
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"disabled {staff_account.email}; 1 token revoked"
    assert _me(client, signed_in).status_code == 401


def test_disable_ends_the_accounts_session_in_the_workspace_pages(
    settings, client, staff_account, signed_in
):
    client.set_cookie(SESSION_COOKIE, signed_in)
    assert client.get("/admin/registrar").status_code == 200

    _run(
        user,
        settings,
        "disable",
        "--school-id",
        str(staff_account.school_id),
        "--email",
        staff_account.email,
    )

    page = client.get("/admin/registrar")
    assert page.status_code == 303
    assert page.headers["Location"].startswith("/login?next=")


def test_a_disabled_account_cannot_sign_in(settings, client, client_address, staff_account):
    _run(
        user,
        settings,
        "disable",
        "--school-id",
        str(staff_account.school_id),
        "--email",
        staff_account.email.upper(),
    )

    answer = client.post(
        LOGIN,
        json={"email": staff_account.email, "password": staff_account.password},
        headers={"X-Forwarded-For": client_address},
    )

    assert answer.status_code == 401


def test_enable_lets_the_account_sign_in_again_but_revives_no_old_token(
    settings, client, client_address, staff_account, signed_in
):
    school_id = str(staff_account.school_id)
    _run(user, settings, "disable", "--school-id", school_id, "--email", staff_account.email)

    result = _run(
        user, settings, "enable", "--school-id", school_id, "--email", staff_account.email
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"enabled {staff_account.email}"
    assert _me(client, signed_in).status_code == 401
    answer = client.post(
        LOGIN,
        json={"email": staff_account.email, "password": staff_account.password},
        headers={"X-Forwarded-For": client_address},
    )
    assert answer.status_code == 200


def test_set_role_applies_to_a_signed_in_session_at_once(
    settings, client, registrar_db, staff_account, signed_in
):
    flag = "/api/admin/feature-flags/reminders"
    school_id = str(staff_account.school_id)
    _another_admin(registrar_db, staff_account.school_id)
    _run(
        user,
        settings,
        "set-role",
        "--school-id",
        school_id,
        "--email",
        staff_account.email,
        "--role",
        "admin",
    )
    changed = client.put(flag, json={"enabled": True}, headers={"Accesstoken": signed_in})
    assert changed.status_code == 200, changed.get_json()

    result = _run(
        user,
        settings,
        "set-role",
        "--school-id",
        school_id,
        "--email",
        staff_account.email,
        "--role",
        "viewer",
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{staff_account.email} is now viewer"
    refused = client.put(flag, json={"enabled": False}, headers={"Accesstoken": signed_in})
    assert refused.status_code == 403
    assert _me(client, signed_in).get_json()["role"] == "viewer"


def _another_admin(registrar_db, school_id: int) -> str:
    email = f"admin-{secrets.token_hex(4)}@school.example"
    create_user(registrar_db, school_id, email, "admin", "correct horse battery")
    return email


def test_the_last_admin_cannot_be_demoted_from_the_command_line(
    settings, client, staff_account, signed_in
):
    school_id = str(staff_account.school_id)
    _run(
        user,
        settings,
        "set-role",
        "--school-id",
        school_id,
        "--email",
        staff_account.email,
        "--role",
        "admin",
    )

    result = _run(
        user,
        settings,
        "set-role",
        "--school-id",
        school_id,
        "--email",
        staff_account.email,
        "--role",
        "viewer",
    )

    assert result.exit_code == 1
    assert "last active admin" in result.output
    assert _me(client, signed_in).get_json()["role"] == "admin"


def test_token_list_shows_each_token_without_its_secret(
    settings, school, staff_account, signed_in, client
):
    _me(client, signed_in)  # records its use

    result = _run(token, settings, "list", "--school-id", str(school.id))

    assert result.exit_code == 0, result.output
    header, *rows = [line.split("\t") for line in result.stdout.strip().splitlines()]
    assert header == ["id", "role", "user", "label", "created", "last_used", "expires", "revoked"]
    by_user = {row[2]: row for row in rows}
    assert len(rows) == 4  # the fixture's three API tokens and the sign-in
    mine = by_user[staff_account.email]
    assert (mine[1], mine[3]) == ("registrar", "sign-in")
    assert mine[5] != "-" and mine[6] != "-" and mine[7] == "-"
    for secret in (signed_in, *school.tokens.values()):
        assert secret not in result.stdout


def test_token_list_shows_a_revoked_token_as_revoked(settings, school, registrar_db):
    token_id = _token_id(registrar_db, school.tokens["viewer"])
    _run(token, settings, "revoke", "--school-id", str(school.id), "--id", str(token_id))

    result = _run(token, settings, "list", "--school-id", str(school.id))

    (row,) = [
        line.split("\t") for line in result.stdout.splitlines() if line.startswith(f"{token_id}\t")
    ]
    assert row[7] != "-"


def test_token_revoke_refuses_the_token_from_its_next_request(
    settings, school, client, registrar_db
):
    token_id = _token_id(registrar_db, school.tokens["admin"])
    assert _me(client, school.tokens["admin"]).status_code == 200

    result = _run(token, settings, "revoke", "--school-id", str(school.id), "--id", str(token_id))

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"revoked token {token_id}"
    assert _me(client, school.tokens["admin"]).status_code == 401
    assert _me(client, school.tokens["viewer"]).status_code == 200


def test_revoking_a_revoked_token_again_says_so_and_succeeds(settings, school, registrar_db):
    token_id = _token_id(registrar_db, school.tokens["admin"])
    _run(token, settings, "revoke", "--school-id", str(school.id), "--id", str(token_id))

    result = _run(token, settings, "revoke", "--school-id", str(school.id), "--id", str(token_id))

    assert result.exit_code == 0
    assert result.stdout.strip() == f"token {token_id} was revoked already"


# Failures, through the installed command: non-zero, one line on stderr, nothing changed.


def _one_error_line(completed: subprocess.CompletedProcess) -> str:
    assert completed.returncode != 0
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    return lines[0]


def test_revoking_another_schools_token_is_refused(
    settings, school, other_school, client, registrar_db
):
    theirs = _token_id(registrar_db, other_school.tokens["admin"])

    completed = _installed(
        settings, "token", "revoke", "--school-id", str(school.id), "--id", str(theirs)
    )

    assert _one_error_line(completed) == (f"error: no token with id {theirs} in school {school.id}")
    assert _me(client, other_school.tokens["admin"]).status_code == 200


def test_disabling_an_unknown_account_is_refused(settings, school):
    completed = _installed(
        settings,
        "user",
        "disable",
        "--school-id",
        str(school.id),
        "--email",
        "nobody@school.example",
    )

    assert _one_error_line(completed) == (
        f"error: no account with e-mail 'nobody@school.example' in school {school.id}"
    )


def test_an_account_of_another_school_is_unknown_here(
    settings, other_school, staff_account, signed_in, client
):
    completed = _installed(
        settings,
        "user",
        "disable",
        "--school-id",
        str(other_school.id),
        "--email",
        staff_account.email,
    )

    assert "no account with e-mail" in _one_error_line(completed)
    assert _me(client, signed_in).status_code == 200


def test_enabling_an_unknown_account_is_refused(settings, school):
    completed = _installed(
        settings,
        "user",
        "enable",
        "--school-id",
        str(school.id),
        "--email",
        "nobody@school.example",
    )

    assert "no account with e-mail" in _one_error_line(completed)


def test_a_bad_role_is_refused_and_the_role_is_kept(settings, staff_account, signed_in, client):
    completed = _installed(
        settings,
        "user",
        "set-role",
        "--school-id",
        str(staff_account.school_id),
        "--email",
        staff_account.email,
        "--role",
        "owner",
    )

    line = _one_error_line(completed)
    assert line.startswith("edquill user set-role: ") and "'owner'" in line
    assert _me(client, signed_in).get_json()["role"] == "registrar"


def test_set_role_for_an_unknown_account_is_refused(settings, school):
    completed = _installed(
        settings,
        "user",
        "set-role",
        "--school-id",
        str(school.id),
        "--email",
        "nobody@school.example",
        "--role",
        "viewer",
    )

    assert "no account with e-mail" in _one_error_line(completed)


def test_listing_the_tokens_of_an_unknown_school_is_refused(settings):
    completed = _installed(settings, "token", "list", "--school-id", "999999999")

    assert _one_error_line(completed) == "error: no school with id 999999999"


@pytest.mark.parametrize(
    "command",
    [
        ("user", "disable"),
        ("user", "enable"),
        ("user", "set-role"),
        ("token", "list"),
        ("token", "revoke"),
    ],
)
def test_each_command_explains_itself(settings, command):
    completed = _installed(settings, *command, "--help")

    assert completed.returncode == 0
    assert "--school-id" in completed.stdout


def _token_id(registrar_db, secret: str) -> int:
    with registrar_db.cursor() as cursor:
        cursor.execute("SELECT id FROM t_api_token WHERE token_hash = %s", (hash_token(secret),))
        return cursor.fetchone()["id"]
