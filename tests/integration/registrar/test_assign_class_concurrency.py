"""The last seat of a class under real concurrency: the registrar under gunicorn (4 worker
processes, several threads each), twenty registrars pressing "assign" at the same moment."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from devtools.ports import free_port
from registrar.adapters.tokens_store import issue_token
from tests.support.classes import create_schedule, create_teacher, place, seats_taken
from tests.support.factories import create_registration, create_school
from tests.support.processes import EdquillProcess
from tests.support.waiting import wait_until

CONTENDERS = 20
CAPACITY = 5


def healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


@pytest.fixture
def registrar_url(settings):
    port = free_port()
    process = EdquillProcess(settings, "serve", "registrar", "--port", str(port), "--workers", "4")
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: healthy(base_url) or not process.running,
            timeout=30,
            what="the registrar to answer /healthz",
        )
        assert process.running, process.output()
        yield base_url
    finally:
        process.stop()


def warm_up(base_url: str, token: str) -> None:
    """Authenticated calls on many threads at once, so the workers' threads have opened their
    database connections and the race below is not spread out by connecting."""
    threads = [
        threading.Thread(
            target=lambda: urllib.request.urlopen(
                urllib.request.Request(
                    f"{base_url}/api/admin/schedules", headers={"Accesstoken": token}
                ),
                timeout=30,
            ).read()
        )
        for _ in range(2 * CONTENDERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


def post_json(url: str, body: dict, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Accesstoken": token},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_twenty_registrars_racing_for_the_last_seat_place_exactly_one(registrar_url, registrar_db):
    school_id = create_school(registrar_db)
    token = issue_token(registrar_db, school_id, "registrar")
    teacher_id = create_teacher(registrar_db, school_id)
    schedule_id = create_schedule(registrar_db, school_id, teacher_id, capacity=CAPACITY)
    for seat in range(CAPACITY - 1):
        place(
            registrar_db,
            school_id,
            create_registration(registrar_db, school_id, first_name=f"Seated{seat}"),
            schedule_id,
        )
    contenders = [
        create_registration(registrar_db, school_id, first_name=f"Racer{n}")
        for n in range(CONTENDERS)
    ]
    warm_up(registrar_url, token)
    start = threading.Barrier(CONTENDERS)
    answers: list[tuple[int, dict]] = []

    def race(registration_id: int) -> None:
        start.wait()
        answers.append(
            post_json(
                f"{registrar_url}/api/admin/self-registration/assign-class",
                {
                    "registration_id": registration_id,
                    "teacher_id": teacher_id,
                    "schedule_id": schedule_id,
                },
                token,
            )
        )

    threads = [threading.Thread(target=race, args=(r,)) for r in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(status for status, _body in answers)
    assert statuses == [200] + [409] * (CONTENDERS - 1)
    refusals = [body["error"] for status, body in answers if status == 409]
    assert {error["code"] for error in refusals} == {"schedule_conflict"}
    assert all(error["details"]["conflicts"][0]["kind"] == "schedule_full" for error in refusals)
    assert seats_taken(registrar_db, schedule_id) == CAPACITY
