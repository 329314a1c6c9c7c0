"""/family: asking for fresh links by e-mail address. The answer is the same for a known and
an unknown address; only a known one enqueues its events (with no link in them); requests are
limited per client address and per e-mail address."""

from __future__ import annotations

import re
import secrets

from registrar.service_layer.family_link_requests import REQUESTS_PER_ADDRESS, REQUESTS_PER_CLIENT
from tests.support.classes import outbox_events
from tests.support.factories import create_registration


def ask(client, address: str, client_address: str):
    form = client.get("/family").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)[1]
    return client.post(
        "/family",
        data={"csrf_token": token, "guardian_email": address},
        headers={"X-Forwarded-For": client_address},
        follow_redirects=True,
    )


def fresh_address() -> str:
    return f"family-{secrets.token_hex(4)}@example.com"


def test_a_known_and_an_unknown_address_get_the_same_answer(
    client, registrar_db, school, client_address
):
    known = fresh_address()
    create_registration(registrar_db, school.id, email=known)

    for_known = ask(client, known.upper(), client_address)
    for_unknown = ask(client, fresh_address(), client_address)

    assert for_known.status_code == for_unknown.status_code == 200
    assert for_known.get_data() == for_unknown.get_data()


def test_a_known_address_gets_an_event_per_registration_without_a_link(
    client, registrar_db, school, client_address
):
    known = fresh_address()
    ids = {create_registration(registrar_db, school.id, email=known, first_name=n) for n in "AB"}

    ask(client, known, client_address)

    events = [
        e
        for e in outbox_events(registrar_db, school.id, "selfreg.family_link.requested")
        if e["payload"]["guardian_email"] == known
    ]
    assert {e["aggregate_id"] for e in events} == ids
    assert all("/family/" not in str(e["payload"]) for e in events)


def test_requests_for_one_address_are_limited(client, registrar_db, school):
    address = fresh_address()
    for attempt in range(REQUESTS_PER_ADDRESS.max_hits):
        assert ask(client, address, f"198.19.1.{attempt + 1}").status_code == 200
    refused = ask(client, address, "198.19.1.200")
    assert refused.status_code == 429
    assert "try again in" in refused.get_data(as_text=True)


def test_requests_from_one_client_are_limited(client, client_address):
    for _ in range(REQUESTS_PER_CLIENT.max_hits):
        assert ask(client, fresh_address(), client_address).status_code == 200
    assert ask(client, fresh_address(), client_address).status_code == 429


def test_a_post_without_its_form_token_sends_nothing(client, registrar_db, school, client_address):
    known = fresh_address()
    create_registration(registrar_db, school.id, email=known)
    response = client.post(
        "/family", data={"guardian_email": known}, headers={"X-Forwarded-For": client_address}
    )
    assert response.status_code == 403
    assert not [
        e
        for e in outbox_events(registrar_db, school.id, "selfreg.family_link.requested")
        if e["payload"]["guardian_email"] == known
    ]


def test_a_malformed_address_is_named_next_to_its_field(client, client_address):
    response = ask(client, "not an address", client_address)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
