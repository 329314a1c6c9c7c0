"""The lead queue (GET /api/admin/self-registration) and its stage counts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

QUEUE = "/api/admin/self-registration"
START = datetime(2026, 3, 1, 9, 0, 0)


def _lead(
    registrar_db,
    school_id,
    first="Ada",
    last="Lovelace",
    email="parent@example.com",
    minutes=0,
    status="pending",
    activity_minutes=None,
):
    submitted = START + timedelta(minutes=minutes)
    activity = START + timedelta(minutes=minutes if activity_minutes is None else activity_minutes)
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "INSERT INTO student_self_registrations (school_id, status, student_first_name, "
            "student_last_name, guardian_email, submitted_at, last_activity_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (school_id, status, first, last, email, submitted, activity),
        )
        return cursor.lastrowid


def _page(client, school, role="viewer", **query):
    response = client.get(QUEUE, query_string=query, headers=school.headers(role))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _ids(page):
    return [item["id"] for item in page["items"]]


def test_without_a_token_is_401(client):
    assert client.get(QUEUE).status_code == 401


def test_with_an_unknown_token_is_401(client):
    assert client.get(QUEUE, headers={"Accesstoken": "nope"}).status_code == 401


def test_lists_only_the_callers_school(client, school, other_school, registrar_db):
    mine = _lead(registrar_db, school.id)
    _lead(registrar_db, other_school.id)

    assert _ids(_page(client, school)) == [mine]


def test_newest_submission_comes_first_by_default(client, school, registrar_db):
    older = _lead(registrar_db, school.id, minutes=1)
    newer = _lead(registrar_db, school.id, minutes=2)

    assert _ids(_page(client, school)) == [newer, older]


def test_an_item_carries_the_queue_columns(client, school, registrar_db):
    _lead(registrar_db, school.id, first="Grace", last="Hopper", email="hopper@example.com")

    (item,) = _page(client, school)["items"]

    assert item["student_first_name"] == "Grace" and item["guardian_email"] == "hopper@example.com"
    assert item["submitted_at"] == "2026-03-01T09:00:00.000000Z"
    assert item["status"] == "pending" and item["version"] == 1


def test_cursor_pages_return_every_registration_once_even_with_equal_times(
    client, school, registrar_db
):
    created = [
        (number // 3, _lead(registrar_db, school.id, minutes=number // 3)) for number in range(10)
    ]
    expected = [registration_id for _minute, registration_id in sorted(created, reverse=True)]

    seen, cursor = [], None
    while True:
        page = _page(client, school, limit=3, **({"cursor": cursor} if cursor else {}))
        seen += _ids(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == expected


def test_the_last_page_has_no_next_cursor(client, school, registrar_db):
    _lead(registrar_db, school.id)

    assert _page(client, school, limit=1)["next_cursor"] is None


def test_oldest_first_when_sorted_ascending(client, school, registrar_db):
    older = _lead(registrar_db, school.id, minutes=1)
    newer = _lead(registrar_db, school.id, minutes=2)

    assert _ids(_page(client, school, sort="submitted_at")) == [older, newer]


def test_sorted_by_last_activity(client, school, registrar_db):
    quiet = _lead(registrar_db, school.id, minutes=5, activity_minutes=5)
    busy = _lead(registrar_db, school.id, minutes=1, activity_minutes=60)

    assert _ids(_page(client, school, sort="-last_activity_at")) == [busy, quiet]
    assert _ids(_page(client, school, sort="last_activity_at")) == [quiet, busy]


def test_a_status_change_counts_as_activity(client, school, registrar_db):
    changed = _lead(registrar_db, school.id, minutes=1)
    _lead(registrar_db, school.id, minutes=2)
    client.post(
        f"{QUEUE}/status",
        json={"registration_id": changed, "status": "in_review"},
        headers=school.headers("registrar"),
    )

    assert _ids(_page(client, school, sort="-last_activity_at"))[0] == changed


def test_filtered_by_status(client, school, registrar_db):
    _lead(registrar_db, school.id, status="pending")
    approved = _lead(registrar_db, school.id, status="approved")

    assert _ids(_page(client, school, status="approved")) == [approved]


def test_filtered_pages_follow_the_cursor(client, school, registrar_db):
    approved = [_lead(registrar_db, school.id, minutes=n, status="approved") for n in range(3)]
    _lead(registrar_db, school.id, minutes=10, status="pending")

    first = _page(client, school, status="approved", limit=2)
    second = _page(client, school, status="approved", limit=2, cursor=first["next_cursor"])

    assert _ids(first) + _ids(second) == approved[::-1]


@pytest.mark.parametrize("q", ["Lov", "lov", "ada", "byron@fam", "Ada Lov", "Lovelace Ada"])
def test_search_matches_the_start_of_names_and_email(client, school, registrar_db, q):
    found = _lead(
        registrar_db, school.id, first="Ada", last="Lovelace", email="byron@family.example"
    )
    _lead(registrar_db, school.id, first="Alan", last="Turing", email="turing@example.com")

    assert _ids(_page(client, school, q=q)) == [found]


def test_search_does_not_match_inside_a_word(client, school, registrar_db):
    _lead(registrar_db, school.id, first="Ada", last="Lovelace")

    assert _ids(_page(client, school, q="velace")) == []


def test_search_is_limited_to_the_callers_school(client, school, other_school, registrar_db):
    _lead(registrar_db, other_school.id, last="Lovelace")

    assert _ids(_page(client, school, q="Lovelace")) == []


@pytest.mark.parametrize("q", ["10%", "a_c", "O'Br", "x!%"])
def test_search_takes_sql_wildcards_and_quotes_literally(client, school, registrar_db, q):
    literal = {"10%": "10% Club", "a_c": "a_c", "O'Br": "O'Brien", "x!%": "x!%y"}[q]
    found = _lead(registrar_db, school.id, last=literal)
    _lead(
        registrar_db,
        school.id,
        last={"10%": "100 Club", "a_c": "abc", "O'Br": "OBrien", "x!%": "x!y"}[q],
    )

    assert _ids(_page(client, school, q=q)) == [found]


def test_search_results_page_by_cursor(client, school, registrar_db):
    hoppers = [_lead(registrar_db, school.id, last="Hopper", minutes=n) for n in range(5)]
    _lead(registrar_db, school.id, last="Turing", minutes=2)

    first = _page(client, school, q="hop", limit=3)
    second = _page(client, school, q="hop", limit=3, cursor=first["next_cursor"])

    assert _ids(first) + _ids(second) == hoppers[::-1]
    assert second["next_cursor"] is None


def test_search_combines_with_status(client, school, registrar_db):
    _lead(registrar_db, school.id, last="Hopper", status="pending")
    approved = _lead(registrar_db, school.id, last="Hopper", status="approved")

    assert _ids(_page(client, school, q="Hopper", status="approved")) == [approved]


@pytest.mark.parametrize(
    "query, field",
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"status": "enrolled"}, "status"),
        ({"sort": "student_last_name"}, "sort"),
        ({"q": "a"}, "q"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_an_invalid_parameter_is_422_on_its_field(client, school, query, field):
    response = client.get(QUEUE, query_string=query, headers=school.headers("viewer"))

    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == [field]


def test_a_cursor_from_another_sort_order_is_422(client, school, registrar_db):
    _lead(registrar_db, school.id, minutes=1)
    _lead(registrar_db, school.id, minutes=2)
    cursor = _page(client, school, limit=1)["next_cursor"]

    response = client.get(
        QUEUE,
        query_string={"cursor": cursor, "sort": "submitted_at"},
        headers=school.headers("viewer"),
    )

    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["cursor"]


def test_stage_counts_cover_every_status_of_the_callers_school(
    client, school, other_school, registrar_db
):
    for status in ("pending", "pending", "approved"):
        _lead(registrar_db, school.id, status=status)
    _lead(registrar_db, other_school.id, status="rejected")

    response = client.get(f"{QUEUE}/stages", headers=school.headers("viewer"))

    assert response.status_code == 200
    assert response.get_json() == {
        "counts": {
            "pending": 2,
            "in_review": 0,
            "needs_info": 0,
            "approved": 1,
            "rejected": 0,
            "converted": 0,
            "withdrawn": 0,
        },
        "total": 3,
    }


def test_stage_counts_without_a_token_are_401(client):
    assert client.get(f"{QUEUE}/stages").status_code == 401
