"""The family answers a request for information from its page: documents (checked as every
upload is, registrar.service_layer.documents) and words, sent back to the school.

One transaction holds it all: the documents' rows (uploaded by the family), the answer in the
registration's history, the status back to in_review (the status trigger enqueues
selfreg.status.updated) and selfreg.info.provided. A failure at any point writes none of it,
and the files already given their keys are removed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from registrar.adapters import audit_store, family_answers_store, outbox_store
from registrar.adapters.document_files import DocumentFiles, SpooledFile
from registrar.adapters.registrations_store import apply_status_change, require_version
from registrar.domain.family_answers import (
    AnswerTooLong,
    EmptyAnswer,
    FamilyAnswer,
    NotAwaitingAnswer,
    plan_family_answer,
)
from registrar.domain.lifecycle import FAMILY_ACTOR
from registrar.service_layer.documents import checked_upload, record_document
from registrar.service_layer.family import linked_registration
from shared.db import transaction
from shared.errors import Conflict, InvalidInput
from shared.events import Event, EventType
from shared.family_links import OpenedFamilyLink, read_family_link
from shared.signing import KeyRing

# What the family hands in is filed as "other": the school sorts it when it checks it.
FAMILY_DOCUMENT_KIND = "other"


@dataclass(frozen=True)
class Upload:
    stream: BinaryIO
    filename: str


@dataclass(frozen=True)
class SentAnswer:
    document_ids: list[int]
    answered: bool


def send_answer(
    connection,
    files: DocumentFiles,
    keys: KeyRing,
    token: str,
    now: datetime,
    *,
    version: int,
    text: str | None,
    uploads: list[Upload],
) -> SentAnswer:
    """Store the family's answer; raises InvalidLink, ExpiredLink, StaleVersion, Conflict
    not_awaiting_answer, InvalidInput (empty or too long), TooLarge, UnsupportedContent."""
    link = read_family_link(keys, token, now)
    with connection.cursor() as cursor:
        _checked(linked_registration(cursor, link)["status"], text, len(uploads))
    checked: list[tuple[SpooledFile, str, str]] = []
    try:
        for upload in uploads:
            spooled, content_type = checked_upload(files, link.school_id, upload.stream)
            checked.append((spooled, content_type, upload.filename))
        return _record(connection, files, link, version, text, checked)
    finally:
        # Spooled files the answer did not keep (a refusal, a failure) are not left behind.
        for spooled, _type, _name in checked:
            files.discard(spooled.path)


def _record(connection, files, link: OpenedFamilyLink, version, text, checked) -> SentAnswer:
    kept: list[str] = []
    try:
        with transaction(connection) as cursor:
            row = linked_registration(cursor, link, lock=True)
            require_version(row, version)
            answer = _checked(row["status"], text, len(checked))
            document_ids = []
            for spooled, content_type, filename in checked:
                key, document_id = record_document(
                    cursor,
                    files,
                    link.school_id,
                    link.registration_id,
                    spooled,
                    content_type=content_type,
                    kind=FAMILY_DOCUMENT_KIND,
                    client_filename=filename,
                    actor=FAMILY_ACTOR,
                )
                kept.append(key)
                document_ids.append(document_id)
            _record_answer(cursor, link, row, answer, document_ids)
    except BaseException:
        for key in kept:
            files.discard(key)
        raise
    return SentAnswer(document_ids, answer.text is not None)


def _record_answer(cursor, link, row: dict, answer: FamilyAnswer, document_ids: list[int]):
    audit_store.record(
        cursor,
        school_id=link.school_id,
        actor=FAMILY_ACTOR,
        action="info_provided",
        entity_type="registration",
        entity_id=link.registration_id,
        new_value=f"{len(document_ids)} document(s)",
        reason=answer.text,
    )
    apply_status_change(cursor, link.school_id, link.registration_id, answer.change, FAMILY_ACTOR)
    language = family_answers_store.language_of(cursor, link.school_id, link.registration_id)
    outbox_store.enqueue(
        cursor,
        Event.new(
            EventType.INFO_PROVIDED,
            link.school_id,
            link.registration_id,
            {
                "registration_id": link.registration_id,
                "document_ids": document_ids,
                # Whether words came with it, never the words: events carry no family text.
                "answered": answer.text is not None,
                "guardian_email": row["guardian_email"],
                "language": language,
            },
        ),
    )


def _checked(status: str, text: str | None, file_count: int) -> FamilyAnswer:
    try:
        return plan_family_answer(status, text, file_count)
    except NotAwaitingAnswer as exc:
        raise Conflict(str(exc), code="not_awaiting_answer") from None
    except (EmptyAnswer, AnswerTooLong) as exc:
        raise InvalidInput.of_field("answer", str(exc)) from None
