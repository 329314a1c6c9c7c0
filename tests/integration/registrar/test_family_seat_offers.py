"""The seat offer on the family's status page (/family/{token}): its class and hold time, and
the Accept and Decline forms, each bound to the link and the offer."""

from __future__ import annotations

import re

import pytest

from registrar.service_layer.waitlist import add_to_waitlist, unassign_class
from tests.support.classes import create_schedule, create_teacher, place
from tests.support.factories import create_registration
from tests.support.family import family_link_path
from tests.support.waitlist import full_class, offers_of, placed_in, waiting_registration

_OFFER_FORM = re.compile(
    r'action="(/family/[^"]+/offers/\d+/(accept|decline))".*?name="form_token" value="([^"]+)"',
    re.S,
)


@pytest.fixture
def piano(registrar_db, school):
    return full_class(registrar_db, school.id)


@pytest.fixture
def line(registrar_db, school, piano) -> list[int]:
    waiting = [waiting_registration(registrar_db, school.id, name) for name in ("Ada", "Bob")]
    for registration_id in waiting:
        add_to_waitlist(registrar_db, school.id, registration_id, piano.schedule_id, "staff")
    unassign_class(registrar_db, school.id, piano.seated[0], "staff")
    return waiting


def offer_forms(html: str) -> dict[str, tuple[str, str]]:
    return {kind: (action, token) for action, kind, token in _OFFER_FORM.findall(html)}


def test_the_page_shows_the_offered_class_and_its_forms(client, settings, school, line):
    page = client.get(family_link_path(settings, school.id, line[0], "ada@example.com"))

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "A seat is free for Ada Lovelace" in html and "Piano" in html
    assert set(offer_forms(html)) == {"accept", "decline"}


def test_accepting_from_the_page_places_the_child(
    client, settings, registrar_db, school, piano, line
):
    path = family_link_path(settings, school.id, line[0], "ada@example.com")
    action, token = offer_forms(client.get(path).get_data(as_text=True))["accept"]

    answer = client.post(action, data={"form_token": token})

    assert answer.status_code == 303 and "offer=accepted" in answer.headers["Location"]
    assert placed_in(registrar_db, piano.schedule_id) == [line[0]]


def test_declining_from_the_page_offers_the_next(client, settings, registrar_db, school, line):
    path = family_link_path(settings, school.id, line[0], "ada@example.com")
    action, token = offer_forms(client.get(path).get_data(as_text=True))["decline"]

    client.post(action, data={"form_token": token})

    assert [o["state"] for o in offers_of(registrar_db, line[1])] == ["open"]


def test_a_post_without_the_pages_token_changes_nothing(
    client, settings, registrar_db, school, piano, line
):
    path = family_link_path(settings, school.id, line[0], "ada@example.com")
    action, _ = offer_forms(client.get(path).get_data(as_text=True))["accept"]

    answer = client.post(action, data={"form_token": "forged"})

    assert "offer=stale_form" in answer.headers["Location"]
    assert placed_in(registrar_db, piano.schedule_id) == []


def test_another_familys_link_cannot_take_the_offer(
    client, settings, registrar_db, school, piano, line
):
    ada = family_link_path(settings, school.id, line[0], "ada@example.com")
    action, _ = offer_forms(client.get(ada).get_data(as_text=True))["accept"]
    bob = family_link_path(settings, school.id, line[1], "bob@example.com")
    bobs_token = bob.rsplit("/", 1)[1]
    forged = re.sub(r"/family/[^/]+/", f"/family/{bobs_token}/", action)

    client.post(forged, data={"form_token": "x"})

    assert placed_in(registrar_db, piano.schedule_id) == []


def test_a_seat_clashing_with_the_childs_other_class_is_refused_clearly(
    client, settings, registrar_db, school, piano, line
):
    # Another registration of the same child sits in a class at the same hour.
    other_teacher = create_teacher(registrar_db, school.id, "Alan Turing")
    chess = create_schedule(registrar_db, school.id, other_teacher, name="Chess")
    sibling = create_registration(
        registrar_db, school.id, first_name="Ada", email="ada@example.com"
    )
    place(registrar_db, school.id, sibling, chess)
    path = family_link_path(settings, school.id, line[0], "ada@example.com")
    action, token = offer_forms(client.get(path).get_data(as_text=True))["accept"]

    answer = client.post(action, data={"form_token": token})

    assert "offer=clash" in answer.headers["Location"]
    assert placed_in(registrar_db, piano.schedule_id) == []
    assert "meets at the same time" in client.get(answer.headers["Location"]).get_data(as_text=True)
