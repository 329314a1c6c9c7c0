"""The restore drill, as an operator runs it against the real server: registrations with
uploaded documents, their events and a staff account; `edquill backup`; every database dropped
and the documents folder emptied; `edquill restore`. What comes back must be what was there:
every table's checksum, every trigger, every document's bytes, and the registrar serving it."""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from registrar.adapters.tokens_store import issue_token
from registrar.adapters.users_store import create_user
from registrar.entrypoints.app import create_app
from shared import db
from shared.config import Settings
from tests.support.backups import (
    drop_every_database,
    file_digests,
    own_environment,
    table_checksums,
    triggers,
)
from tests.support.factories import create_registration, create_school, set_status
from tests.support.processes import run_edquill

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
# Bytes of every value, so a dump or a restore that mangles binary content shows.
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(256 * 1024)
PASSWORD = "correct horse battery"
# Dumping, compressing and loading four small databases: seconds, with room for a busy machine.
COMMAND_TIMEOUT_SECONDS = 120


@dataclass
class Drill:
    settings: Settings
    before: dict
    after: dict
    documents: list[dict]
    token: str
    email: str


def seed(settings) -> tuple[list[dict], str, str]:
    """Two schools' registrations, status changes (outbox events), a staff account and
    documents uploaded through the registrar's API; returns (documents, token, e-mail)."""
    connection = db.connect(settings, "registrar")
    school_id, other_school_id = create_school(connection), create_school(connection)
    registrations = [create_registration(connection, school_id) for _ in range(5)]
    create_registration(connection, other_school_id, last_name="Hopper")
    for registration_id in registrations[:3]:
        set_status(connection, registration_id, "in_review")
    email = "registrar@drill.example"
    create_user(connection, school_id, email, "registrar", PASSWORD)
    token = issue_token(connection, school_id, "registrar")
    connection.close()
    client = create_app(settings, {"TESTING": True}).test_client()
    documents = []
    for registration_id, (content, name, kind) in zip(
        registrations, [(PDF, "birth.pdf", "birth_certificate"), (PNG, "photo.png", "other")] * 2
    ):
        answer = client.post(
            f"/api/admin/self-registration/{registration_id}/documents",
            data={"file": (io.BytesIO(content), name), "kind": kind},
            content_type="multipart/form-data",
            headers={"Accesstoken": token},
        )
        assert answer.status_code == 201, answer.get_json()
        documents.append({**answer.get_json(), "content": content})
    return documents, token, email


def state(settings: Settings) -> dict:
    return {
        "checksums": table_checksums(settings),
        "triggers": triggers(settings),
        "documents": file_digests(Path(settings.documents_dir)),
    }


@pytest.fixture(scope="module")
def drill(settings, tmp_path_factory) -> Drill:
    documents_dir = tmp_path_factory.mktemp("drill") / "documents"
    with own_environment(settings, documents_dir, migrated=True) as own:
        documents, token, email = seed(own)
        archive = tmp_path_factory.mktemp("backups") / "nightly.backup"
        before = state(own)
        taken = run_edquill(own, "backup", "--out", str(archive), timeout=COMMAND_TIMEOUT_SECONDS)
        assert taken.returncode == 0, taken.stderr
        drop_every_database(own)
        shutil.rmtree(documents_dir)
        documents_dir.mkdir()
        restored = run_edquill(own, "restore", str(archive), timeout=COMMAND_TIMEOUT_SECONDS)
        assert restored.returncode == 0, restored.stderr
        yield Drill(own, before, state(own), documents, token, email)


def test_every_table_checksums_as_before(drill):
    assert drill.after["checksums"] == drill.before["checksums"]
    assert drill.before["checksums"]["registrar.student_self_registrations"] not in (None, 0)
    assert drill.before["checksums"]["registrar.t_event_outbox"] not in (None, 0)


def test_every_trigger_is_back(drill):
    assert drill.after["triggers"] == drill.before["triggers"]
    assert "registrar.trg_ssr_status_outbox" in drill.after["triggers"]


def test_a_status_update_after_the_restore_still_enqueues_its_event(drill):
    registration_id = drill.documents[0]["registration_id"]
    connection = db.connect(drill.settings, "registrar")
    set_status(connection, registration_id, "needs_info")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) AS events FROM t_event_outbox "
            "WHERE aggregate_id = %s AND event_type = 'selfreg.status.updated'",
            (registration_id,),
        )
        events = cursor.fetchone()["events"]
    connection.close()
    assert events == 2  # the seeded in_review, and this one


def test_every_document_has_its_bytes_back(drill):
    assert drill.after["documents"] == drill.before["documents"]
    assert len(drill.after["documents"]) == len(drill.documents)


def test_the_registrar_serves_a_restored_document(drill):
    client = create_app(drill.settings, {"TESTING": True}).test_client()
    for document in drill.documents:
        answer = client.get(document["download_url"], headers={"Accesstoken": drill.token})
        assert answer.status_code == 200
        assert answer.data == document["content"]


def test_a_restored_account_signs_in(drill):
    client = create_app(drill.settings, {"TESTING": True}).test_client()
    answer = client.post("/api/auth/login", json={"email": drill.email, "password": PASSWORD})
    assert answer.status_code == 200, answer.get_json()
