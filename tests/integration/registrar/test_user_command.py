"""`edquill user create`: a staff account whose password comes from stdin."""

from __future__ import annotations

import subprocess

from click.testing import CliRunner

from registrar.entrypoints.cli import user
from tests.support.processes import EDQUILL
from tests.support.servers import environment


def _create(settings, *args, password="a long enough password\n"):
    return CliRunner().invoke(user, ["create", *args], obj=settings, input=password)


def _accounts(registrar_db, email):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT id, school_id, role, password_hash FROM t_user WHERE email = %s", (email,)
        )
        return cursor.fetchall()


def test_creates_an_account_that_can_sign_in(
    settings, school, client, client_address, registrar_db
):
    result = _create(
        settings, "--school-id", str(school.id), "--email", "Head@School.example", "--role", "admin"
    )

    assert result.exit_code == 0, result.output
    (account,) = _accounts(registrar_db, "head@school.example")
    assert result.output.strip().splitlines()[-1] == str(account["id"])
    assert (account["school_id"], account["role"]) == (school.id, "admin")
    response = client.post(
        "/api/auth/login",
        json={"email": "head@school.example", "password": "a long enough password"},
        headers={"X-Forwarded-For": client_address},
    )
    assert response.status_code == 200


def test_the_password_is_stored_as_a_salted_scrypt_hash(settings, school, registrar_db):
    _create(
        settings, "--school-id", str(school.id), "--email", "one@school.example", "--role", "viewer"
    )
    _create(
        settings, "--school-id", str(school.id), "--email", "two@school.example", "--role", "viewer"
    )

    (one,), (two,) = (
        _accounts(registrar_db, "one@school.example"),
        _accounts(registrar_db, "two@school.example"),
    )
    assert one["password_hash"].startswith("scrypt:")
    assert "a long enough password" not in one["password_hash"]
    assert one["password_hash"] != two["password_hash"]


def test_a_short_password_is_refused_and_nothing_is_written(settings, school, registrar_db):
    result = _create(
        settings,
        "--school-id",
        str(school.id),
        "--email",
        "short@school.example",
        "--role",
        "viewer",
        password="short\n",
    )

    assert result.exit_code != 0
    assert "password" in result.output
    assert _accounts(registrar_db, "short@school.example") == ()


def test_an_unknown_school_is_refused(settings, registrar_db):
    result = _create(
        settings, "--school-id", "999999999", "--email", "lost@school.example", "--role", "viewer"
    )

    assert result.exit_code != 0
    assert "no school" in result.output
    assert _accounts(registrar_db, "lost@school.example") == ()


def test_a_taken_email_is_refused(settings, school, other_school):
    _create(
        settings,
        "--school-id",
        str(school.id),
        "--email",
        "taken@school.example",
        "--role",
        "viewer",
    )

    result = _create(
        settings,
        "--school-id",
        str(other_school.id),
        "--email",
        "TAKEN@school.example",
        "--role",
        "admin",
    )

    assert result.exit_code != 0
    assert "exists already" in result.output


def test_an_invalid_email_is_refused(settings, school):
    result = _create(
        settings, "--school-id", str(school.id), "--email", "not-an-email", "--role", "viewer"
    )

    assert result.exit_code != 0
    assert "e-mail" in result.output


def test_the_installed_command_reads_the_password_from_stdin(settings, school, registrar_db):
    completed = subprocess.run(
        [
            EDQUILL,
            "user",
            "create",
            "--school-id",
            str(school.id),
            "--email",
            "piped@school.example",
            "--role",
            "registrar",
        ],
        input="a long enough password\n",
        env=environment(settings),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().splitlines()[-1] == str(
        _accounts(registrar_db, "piped@school.example")[0]["id"]
    )
