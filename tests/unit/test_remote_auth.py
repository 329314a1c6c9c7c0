"""The token check other services make against the registrar (no server needed: the
registrar's answer is given by the test)."""

from __future__ import annotations

import pytest

from shared.remote_auth import (
    RegistrarUnavailable,
    RemotePrincipal,
    RemoteTokenVerifier,
    principal_from_answer,
)

ADA = RemotePrincipal(school_id=7, role="viewer", timezone="America/New_York", currency="USD")


class Registrar:
    """Answers for the tokens it knows and counts the questions."""

    def __init__(self, known: dict[str, RemotePrincipal]):
        self.known, self.asked = known, []

    def __call__(self, token: str) -> RemotePrincipal | None:
        self.asked.append(token)
        return self.known.get(token)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def verifier(registrar, clock=None) -> RemoteTokenVerifier:
    return RemoteTokenVerifier("http://registrar.invalid", clock=clock or Clock(), ask=registrar)


def test_a_known_token_is_the_registrars_principal():
    assert verifier(Registrar({"t1": ADA})).verify("t1") == ADA


def test_an_unknown_token_is_refused():
    assert verifier(Registrar({})).verify("nope") is None


def test_an_accepted_token_is_asked_about_on_every_request():
    # Revoked, disabled or given another role a moment ago: the next request must see it.
    registrar = Registrar({"t1": ADA})
    check = verifier(registrar)

    check.verify("t1")
    check.verify("t1")

    assert registrar.asked == ["t1", "t1"]


def test_a_token_revoked_after_it_was_accepted_is_refused_at_once():
    registrar = Registrar({"t1": ADA})
    check = verifier(registrar)
    check.verify("t1")

    del registrar.known["t1"]

    assert check.verify("t1") is None


def test_a_role_changed_after_the_token_was_accepted_is_the_new_one_at_once():
    registrar = Registrar({"t1": ADA})
    check = verifier(registrar)
    check.verify("t1")

    registrar.known["t1"] = RemotePrincipal(7, "admin", "America/New_York", "USD")

    assert check.verify("t1").role == "admin"


def test_a_refusal_is_remembered_for_a_while():
    registrar, clock = Registrar({}), Clock()
    check = verifier(registrar, clock)

    check.verify("bad")
    clock.now += RemoteTokenVerifier.REFUSED_TTL_SECONDS - 1
    check.verify("bad")

    assert registrar.asked == ["bad"]


def test_a_refused_token_is_asked_about_again_once_its_refusal_is_old():
    registrar, clock = Registrar({}), Clock()
    check = verifier(registrar, clock)

    check.verify("new")
    clock.now += RemoteTokenVerifier.REFUSED_TTL_SECONDS + 1
    check.verify("new")

    assert registrar.asked == ["new", "new"]


def test_the_refusals_forget_the_least_recently_used_token_beyond_their_size(monkeypatch):
    monkeypatch.setattr(RemoteTokenVerifier, "MAX_ENTRIES", 2)
    registrar = Registrar({})
    check = verifier(registrar)

    for token in ("a", "b", "a", "c", "a", "b"):
        check.verify(token)

    assert registrar.asked == ["a", "b", "c", "b"]


def test_the_answer_of_the_registrars_who_am_i_endpoint_is_understood():
    answer = {
        "school": {
            "id": 7,
            "name": "Hill",
            "slug": "hill",
            "timezone": "Asia/Kolkata",
            "currency": "INR",
        },
        "role": "admin",
        "user": {"id": 3, "email": "a@b"},
    }

    assert principal_from_answer(answer) == RemotePrincipal(7, "admin", "Asia/Kolkata", "INR", 3)


def test_an_answer_that_is_not_understood_counts_as_no_answer():
    with pytest.raises(RegistrarUnavailable):
        principal_from_answer({"role": "admin"})


def test_a_registrar_that_cannot_be_reached_is_unavailable_not_a_refusal():
    check = RemoteTokenVerifier("http://127.0.0.1:9")  # the discard port: nothing listens

    with pytest.raises(RegistrarUnavailable):
        check.verify("t1")
