"""Password hashes at OWASP's scrypt cost, and the rehash of a cheaper one at the next
successful sign-in (the production cost itself: this module lifts the suite's cheap one)."""

from __future__ import annotations

import time

import pytest

from registrar.adapters import users_store
from registrar.domain.password_cost import OWASP_SCRYPT, ScryptCost

LOGIN = "/api/auth/login"
# Slower than any password hash we make, on a machine busy with other tests: the bound says
# the cost stays usable for a sign-in, not how fast this machine is.
SIGN_IN_SECONDS_AT_MOST = 5.0


@pytest.fixture
def production_cost(monkeypatch):
    monkeypatch.setattr(users_store, "PASSWORD_COST", OWASP_SCRYPT)


def _stored_hash(registrar_db, user_id: int) -> str:
    with registrar_db.cursor() as cursor:
        cursor.execute("SELECT password_hash FROM t_user WHERE id = %s", (user_id,))
        return cursor.fetchone()["password_hash"]


def _sign_in(client, client_address, email, password):
    return client.post(
        LOGIN,
        json={"email": email, "password": password},
        headers={"X-Forwarded-For": client_address},
    )


def test_a_new_accounts_hash_is_made_at_owasps_scrypt_cost(production_cost, registrar_db, school):
    user_id = users_store.create_user(
        registrar_db, school.id, "owasp@school.example", "viewer", "a long enough password"
    )

    assert _stored_hash(registrar_db, user_id).startswith("scrypt:131072:8:1$")


def test_a_cheaper_hash_is_remade_at_the_next_sign_in_and_the_password_still_works(
    monkeypatch, registrar_db, school, client, client_address
):
    monkeypatch.setattr(users_store, "PASSWORD_COST", ScryptCost(n=2**14, r=8, p=1))
    user_id = users_store.create_user(
        registrar_db, school.id, "weak@school.example", "viewer", "a long enough password"
    )
    before = _stored_hash(registrar_db, user_id)
    monkeypatch.setattr(users_store, "PASSWORD_COST", OWASP_SCRYPT)

    started = time.monotonic()
    first = _sign_in(client, client_address, "weak@school.example", "a long enough password")
    elapsed = time.monotonic() - started

    after = _stored_hash(registrar_db, user_id)
    assert first.status_code == 200
    assert before.startswith("scrypt:16384:8:1$")
    assert after.startswith("scrypt:131072:8:1$") and after != before
    assert elapsed < SIGN_IN_SECONDS_AT_MOST
    assert (
        _sign_in(
            client, client_address, "weak@school.example", "a long enough password"
        ).status_code
        == 200
    )
    assert _stored_hash(registrar_db, user_id) == after  # at the cost now: kept


def test_a_failed_sign_in_leaves_a_cheaper_hash_alone(
    monkeypatch, registrar_db, school, client, client_address
):
    monkeypatch.setattr(users_store, "PASSWORD_COST", ScryptCost(n=2**10, r=8, p=1))
    user_id = users_store.create_user(
        registrar_db, school.id, "wrong@school.example", "viewer", "a long enough password"
    )
    before = _stored_hash(registrar_db, user_id)
    monkeypatch.setattr(users_store, "PASSWORD_COST", OWASP_SCRYPT)

    assert (
        _sign_in(client, client_address, "wrong@school.example", "not the password").status_code
        == 401
    )
    assert _stored_hash(registrar_db, user_id) == before


def test_a_hash_above_the_cost_is_kept_as_it_is(
    monkeypatch, registrar_db, school, client, client_address
):
    monkeypatch.setattr(users_store, "PASSWORD_COST", ScryptCost(n=2**12, r=8, p=1))
    user_id = users_store.create_user(
        registrar_db, school.id, "strong@school.example", "viewer", "a long enough password"
    )
    stronger = _stored_hash(registrar_db, user_id)
    monkeypatch.setattr(users_store, "PASSWORD_COST", ScryptCost(n=2**10, r=8, p=1))

    assert (
        _sign_in(
            client, client_address, "strong@school.example", "a long enough password"
        ).status_code
        == 200
    )
    assert _stored_hash(registrar_db, user_id) == stronger
