"""The family answers a request for information from its page, on the session's MariaDB:
documents and words in one transaction with the status back to in_review and
selfreg.info.provided, and every refusal or failure storing nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pymysql
import pytest

from registrar.domain.documents import MAX_DOCUMENT_BYTES
from registrar.domain.family_answers import MOST_FILES_PER_ANSWER
from tests.support.classes import outbox_events
from tests.support.factories import create_registration
from tests.support.family import answer_form, ask_for_information, family_link_path

FAMILY = "answering-parent@example.com"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def asked(registrar_db, school) -> int:
    registration_id = create_registration(registrar_db, school.id, email=FAMILY)
    ask_for_information(registrar_db, registration_id, "Please send the birth certificate.")
    return registration_id


@pytest.fixture
def page(settings, school, asked) -> str:
    return family_link_path(settings, school.id, asked, FAMILY)


def answer(client, page: str, *, files=(), text="", **fields):
    html = client.get(page).get_data(as_text=True)
    form = answer_form(html)
    data = {**form, "answer": text, **fields}
    data["documents"] = [(io.BytesIO(body), name) for name, body in files]
    return client.post(f"{page}/answer", data=data, content_type="multipart/form-data")


def row_counts(connection, registration_id: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT status FROM student_self_registrations WHERE id = %s) AS status, "
            "(SELECT COUNT(*) FROM registration_documents WHERE registration_id = %s) AS docs, "
            "(SELECT COUNT(*) FROM t_audit_log WHERE entity_type = 'registration' "
            "AND entity_id = %s AND actor = 'family') AS history, "
            "(SELECT COUNT(*) FROM t_event_outbox WHERE aggregate_id = %s "
            "AND event_type = 'selfreg.info.provided') AS events",
            (registration_id,) * 4,
        )
        return cursor.fetchone()


UNCHANGED = {"status": "needs_info", "docs": 0, "history": 0, "events": 0}


def test_the_needs_info_page_offers_the_answer_form(client, page):
    html = client.get(page).get_data(as_text=True)
    assert 'action="' + page + '/answer"' in html
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="answer-documents">' in html and '<label for="answer-text">' in html


def test_an_answer_stores_documents_history_status_and_event_together(
    client, registrar_db, school, page, asked
):
    response = answer(
        client, page, files=[("birth.pdf", PDF), ("proof.pdf", PDF)], text="Both attached."
    )
    assert response.status_code == 303
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT id, uploaded_by FROM registration_documents WHERE registration_id = %s "
            "ORDER BY id",
            (asked,),
        )
        documents = cursor.fetchall()
        cursor.execute(
            "SELECT action, reason, old_value, new_value FROM t_audit_log "
            "WHERE entity_id = %s AND actor = 'family' ORDER BY id",
            (asked,),
        )
        history = cursor.fetchall()
    assert [d["uploaded_by"] for d in documents] == ["family", "family"]
    assert [h["action"] for h in history] == [
        "document_uploaded",
        "document_uploaded",
        "info_provided",
        "status_changed",
    ]
    assert history[2]["reason"] == "Both attached."
    assert (history[3]["old_value"], history[3]["new_value"]) == ("needs_info", "in_review")
    (event,) = outbox_events(registrar_db, school.id, "selfreg.info.provided")
    assert event["payload"]["document_ids"] == [d["id"] for d in documents]
    assert event["payload"]["answered"] is True
    assert event["payload"]["guardian_email"] == FAMILY
    assert event["payload"]["language"] == "en"
    assert "Both attached." not in str(event["payload"])
    updated = outbox_events(registrar_db, school.id, "selfreg.status.updated")
    assert updated[-1]["payload"]["to_status"] == "in_review"


def test_words_alone_are_an_answer(client, registrar_db, school, page, asked):
    assert answer(client, page, text="We sent it by post.").status_code == 303
    (event,) = outbox_events(registrar_db, school.id, "selfreg.info.provided")
    assert event["payload"]["document_ids"] == [] and event["payload"]["answered"] is True
    assert row_counts(registrar_db, asked)["status"] == "in_review"


def test_an_empty_answer_is_refused_and_stores_nothing(client, registrar_db, page, asked):
    response = answer(client, page, text="   ")
    assert response.status_code == 422
    assert "please add a document or write an answer" in response.get_data(as_text=True)
    assert row_counts(registrar_db, asked) == UNCHANGED


def test_a_pdf_name_on_other_bytes_is_refused(client, registrar_db, page, asked):
    response = answer(client, page, files=[("birth.pdf", b"just some text")], text="Here")
    assert response.status_code == 415
    assert "is not a PDF, PNG or JPEG" in response.get_data(as_text=True)
    assert row_counts(registrar_db, asked) == UNCHANGED


def test_a_file_over_ten_megabytes_is_refused(client, registrar_db, page, asked):
    too_big = PDF + b"0" * (10 * 1024 * 1024)
    response = answer(client, page, files=[("big.pdf", too_big)])
    assert response.status_code == 413
    assert "at most 10 MB" in response.get_data(as_text=True)
    assert row_counts(registrar_db, asked) == UNCHANGED


def test_a_post_over_the_whole_answers_limit_is_refused_in_the_familys_language(
    client, registrar_db, page, asked
):
    # Every file is under the document limit; together they are more than an answer may carry,
    # so the body is refused before it is read: nothing of it reaches the store or the folder.
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "UPDATE student_self_registrations SET language = 'es' WHERE id = %s", (asked,)
        )
    registrar_db.commit()
    just_under = PDF + b"0" * (MAX_DOCUMENT_BYTES - len(PDF) - 1)
    files = [(f"part-{n}.pdf", just_under) for n in range(MOST_FILES_PER_ANSWER + 1)]
    response = answer(client, page, files=files, text="Todo adjunto.")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert '<html lang="es"' in html
    assert "Un archivo era demasiado grande, así que no se envió nada." in html
    assert row_counts(registrar_db, asked) == UNCHANGED


def test_an_answer_too_long_is_refused(client, registrar_db, page, asked):
    response = answer(client, page, text="x" * 4001)
    assert response.status_code == 422
    assert row_counts(registrar_db, asked) == UNCHANGED


def test_a_post_without_the_page_token_is_refused(client, registrar_db, page, asked):
    data = {"answer": "forged", "version": "2", "answer_form_token": "forged"}
    response = client.post(f"{page}/answer", data=data)
    assert response.status_code == 403
    assert row_counts(registrar_db, asked) == UNCHANGED


def test_a_replayed_answer_post_is_refused_and_stores_nothing_more(
    client, registrar_db, page, asked
):
    html = client.get(page).get_data(as_text=True)
    form = answer_form(html)

    def post():
        data = {**form, "answer": "Attached.", "documents": [(io.BytesIO(PDF), "birth.pdf")]}
        return client.post(f"{page}/answer", data=data, content_type="multipart/form-data")

    assert post().status_code == 303
    sent = row_counts(registrar_db, asked)
    assert sent == {"status": "in_review", "docs": 1, "history": sent["history"], "events": 1}

    replayed = post()
    assert replayed.status_code == 403
    assert "nothing was changed" in replayed.get_data(as_text=True)
    assert row_counts(registrar_db, asked) == sent


def test_an_answer_after_the_school_moved_on_is_a_conflict(client, registrar_db, page, asked):
    html = client.get(page).get_data(as_text=True)
    form = answer_form(html)
    token, version = form["answer_form_token"], form["version"]
    with registrar_db.cursor() as cursor:
        # A DBA's plain update leaves the version: only the status tells it apart.
        cursor.execute(
            "UPDATE student_self_registrations SET status = 'in_review' WHERE id = %s", (asked,)
        )
    registrar_db.commit()
    data = {"answer": "late", "version": version, "answer_form_token": token}
    response = client.post(f"{page}/answer", data=data)
    assert response.status_code == 409
    assert "no longer waiting for information" in response.get_data(as_text=True)
    assert row_counts(registrar_db, asked) == {**UNCHANGED, "status": "in_review"}


def test_a_failing_event_insert_writes_nothing(client, registrar_db, school, page, asked, settings):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "CREATE TRIGGER refuse_info_provided BEFORE INSERT ON t_event_outbox FOR EACH ROW "
            "BEGIN IF NEW.event_type = 'selfreg.info.provided' THEN "
            "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'outbox refused'; END IF; END"
        )
    try:
        try:
            status = answer(client, page, files=[("birth.pdf", PDF)], text="Attached.").status_code
        except pymysql.err.OperationalError:
            status = 500
    finally:
        with registrar_db.cursor() as cursor:
            cursor.execute("DROP TRIGGER refuse_info_provided")
    assert status >= 500
    assert row_counts(registrar_db, asked) == UNCHANGED
    school_folder = Path(settings.documents_dir) / str(school.id)
    assert [p for p in school_folder.glob("*") if p.is_file()] == []
