"""/admin/classes (Flask's test client, real MariaDB): signed in; every role sees the school's
teachers, classes and week grids; only registrars and admins get forms, and a viewer's post
gets the 403 page; CSRF on every post; a clashing class is warned of, then refused in place
with what was typed kept."""

from __future__ import annotations

import re
import secrets

import pytest

from registrar.adapters.users_store import create_user
from tests.support.classes import class_row, count_rows, create_schedule, create_teacher, place
from tests.support.factories import create_registration
from tests.support.pages import csrf_field, sign_in_with_form

PASSWORD = "correct horse battery"
PAGE = "/admin/classes"


def _sign_in(client, registrar_db, school, role, address) -> None:
    email = f"{role}-{secrets.token_hex(4)}@school.example"
    create_user(registrar_db, school.id, email, role, PASSWORD)
    assert sign_in_with_form(client, email, PASSWORD, address=address).status_code == 303


@pytest.fixture
def registrar_page(client, registrar_db, school, client_address):
    _sign_in(client, registrar_db, school, "registrar", client_address)
    return client


@pytest.fixture
def viewer_page(client, registrar_db, school, client_address):
    _sign_in(client, registrar_db, school, "viewer", client_address)
    return client


@pytest.fixture
def teacher_id(registrar_db, school):
    return create_teacher(registrar_db, school.id)


@pytest.fixture
def piano(registrar_db, school, teacher_id):
    """Grace Hopper's Monday 16:00-17:00, ten seats."""
    return create_schedule(registrar_db, school.id, teacher_id)


def class_form(teacher: int, csrf: str, **changes) -> dict:
    form = {
        "csrf_token": csrf,
        "teacher_id": str(teacher),
        "name": "Chess club",
        "weekday": "0",
        "start_time": "16:30",
        "end_time": "17:30",
        "starts_on": "2026-01-05",
        "ends_on": "2026-03-29",
        "capacity": "8",
        "intent": "save",
    }
    return {**form, **changes}


def _csrf(page) -> str:
    return csrf_field(page.get(PAGE).text)


def test_the_page_needs_a_session(client):
    answer = client.get(PAGE)
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/login?next=")


def test_a_viewer_sees_the_classes_and_no_forms(viewer_page, registrar_db, school, teacher_id):
    full = create_schedule(registrar_db, school.id, teacher_id, name="Violin", capacity=1)
    place(registrar_db, school.id, create_registration(registrar_db, school.id), full)

    html = viewer_page.get(PAGE).text

    assert "Grace Hopper" in html and "Violin" in html and ">Full<" in html
    assert 'href="/admin/classes" aria-current="page"' in html
    assert 'action="/admin/classes' not in html


@pytest.mark.parametrize(
    "path",
    [
        "/teachers",
        "/teachers/{teacher}",
        "/teachers/{teacher}/archived",
        "/schedules",
        "/schedules/{schedule}",
        "/schedules/{schedule}/archived",
    ],
)
def test_a_viewers_post_gets_the_403_page_and_changes_nothing(
    viewer_page, registrar_db, school, teacher_id, piano, path
):
    url = PAGE + path.format(teacher=teacher_id, schedule=piano)
    form = class_form(teacher_id, _csrf(viewer_page), name="Renamed", archived="yes")

    answer = viewer_page.post(url, data=form)

    assert answer.status_code == 403 and "for the registrar role" in answer.text
    assert count_rows(registrar_db, "teachers", school.id) == 1
    assert class_row(registrar_db, piano) == {
        "name": "Piano",
        "weekday": 0,
        "start_time": "16:00",
        "end_time": "17:00",
        "capacity": 10,
        "archived_at": None,
    }


def test_the_staff_pages_link_the_classes_page_for_every_role(viewer_page):
    assert 'href="/admin/classes"' in viewer_page.get("/admin/registrar").text


def test_a_post_without_its_csrf_token_changes_nothing(registrar_page, registrar_db, school):
    answer = registrar_page.post(f"{PAGE}/teachers", data={"name": "Ada Lovelace"})
    assert answer.status_code == 403 and "This page had expired" in answer.text
    assert count_rows(registrar_db, "teachers", school.id) == 0


def test_a_registrar_adds_a_teacher_and_reads_the_confirmation(
    registrar_page, registrar_db, school
):
    answer = registrar_page.post(
        f"{PAGE}/teachers", data={"csrf_token": _csrf(registrar_page), "name": "Ada Lovelace"}
    )
    assert answer.status_code == 303
    confirmed = registrar_page.get(answer.headers["Location"]).text
    assert "Saved: the teacher is added." in confirmed and "Ada Lovelace" in confirmed


def test_a_teacher_without_a_name_is_refused_at_its_field(registrar_page, registrar_db, school):
    answer = registrar_page.post(
        f"{PAGE}/teachers",
        data={"csrf_token": _csrf(registrar_page), "name": " ", "email": "a@b.example"},
    )
    assert answer.status_code == 422
    assert 'id="teacher-name" name="name"' in answer.text and 'aria-invalid="true"' in answer.text
    assert 'value="a@b.example"' in answer.text
    assert count_rows(registrar_db, "teachers", school.id) == 0


def test_a_class_is_added_to_its_teachers_week(registrar_page, registrar_db, school, teacher_id):
    answer = registrar_page.post(
        f"{PAGE}/schedules", data=class_form(teacher_id, _csrf(registrar_page))
    )
    assert answer.status_code == 303
    html = registrar_page.get(answer.headers["Location"]).text
    grid = html[html.index("Week of Grace Hopper") :]
    hours = re.findall(r'<th scope="row">(\d\d:\d\d)</th>\s*<td>(.*?)</td>', grid)
    assert hours == [
        ("16:00", '<p class="grid-class"><strong>Chess club</strong> 16:30–17:30</p>'),
        ("17:00", '<p class="grid-class grid-continued">Chess club continues</p>'),
    ]


def test_checking_a_clashing_time_warns_with_free_times_and_keeps_the_values(
    registrar_page, registrar_db, school, teacher_id, piano
):
    form = class_form(teacher_id, _csrf(registrar_page), intent="check", room="B2")

    answer = registrar_page.post(f"{PAGE}/schedules", data=form)

    assert answer.status_code == 200
    assert "Warning: this time clashes" in answer.text
    assert "Grace Hopper already teaches Piano (Monday 16:00-17:00)" in answer.text
    assert 'value="0,17:00,18:00">Use Monday 17:00–18:00</button>' in answer.text
    assert 'value="Chess club"' in answer.text and 'value="B2"' in answer.text
    assert count_rows(registrar_db, "class_schedules", school.id) == 1


def test_a_free_time_button_moves_the_class_there_and_checks_again(
    registrar_page, teacher_id, piano
):
    form = class_form(teacher_id, _csrf(registrar_page), intent="check", use_slot="0,17:00,18:00")

    answer = registrar_page.post(f"{PAGE}/schedules", data=form)

    assert "No clash: the teacher is free at this time." in answer.text
    assert 'id="schedule-start-time" name="start_time" type="time" value="17:00"' in answer.text


def test_saving_a_clashing_class_is_refused_in_place_with_the_values_kept(
    registrar_page, registrar_db, school, teacher_id, piano
):
    answer = registrar_page.post(
        f"{PAGE}/schedules", data=class_form(teacher_id, _csrf(registrar_page))
    )

    assert answer.status_code == 409
    assert "Not saved: this class would double-book its teacher." in answer.text
    assert 'value="Chess club"' in answer.text and "Use Monday 17:00–18:00" in answer.text
    assert count_rows(registrar_db, "class_schedules", school.id) == 1


def test_capacity_below_the_seats_taken_is_refused_at_its_field(
    registrar_page, registrar_db, school, teacher_id, piano
):
    for name in ("Ada", "Bea"):
        place(
            registrar_db,
            school.id,
            create_registration(registrar_db, school.id, first_name=name),
            piano,
        )
    form = class_form(
        teacher_id,
        _csrf(registrar_page),
        name="Piano",
        start_time="16:00",
        end_time="17:00",
        capacity="1",
    )

    answer = registrar_page.post(f"{PAGE}/schedules/{piano}", data=form)

    assert answer.status_code == 409
    assert "Must be at least 2, the seats taken." in answer.text
    assert class_row(registrar_db, piano)["capacity"] == 10


def test_the_edit_form_opens_with_the_class_as_stored(registrar_page, piano):
    html = registrar_page.get(f"{PAGE}?schedule={piano}").text
    assert "Edit Piano" in html and f'action="/admin/classes/schedules/{piano}"' in html
    assert 'name="start_time" type="time" value="16:00"' in html


def test_an_archived_class_moves_to_the_archived_list(registrar_page, registrar_db, school, piano):
    answer = registrar_page.post(
        f"{PAGE}/schedules/{piano}/archived",
        data={"csrf_token": _csrf(registrar_page), "archived": "yes"},
    )
    html = registrar_page.get(answer.headers["Location"]).text
    assert "Archived: the class is no longer offered" in html
    assert "Archived classes" in html and "Week of Grace Hopper" not in html
    assert class_row(registrar_db, piano)["archived_at"] is not None


def test_another_schools_class_is_not_found_from_the_page(
    registrar_page, registrar_db, other_school
):
    theirs = create_schedule(
        registrar_db, other_school.id, create_teacher(registrar_db, other_school.id)
    )
    answer = registrar_page.post(
        f"{PAGE}/schedules/{theirs}/archived",
        data={"csrf_token": _csrf(registrar_page), "archived": "yes"},
    )
    assert answer.status_code == 404
    assert class_row(registrar_db, theirs)["archived_at"] is None


def test_the_page_shows_the_schools_teachers_only(
    registrar_page, registrar_db, school, other_school
):
    create_teacher(registrar_db, other_school.id, "Someone Else")
    assert "Someone Else" not in registrar_page.get(PAGE).text
