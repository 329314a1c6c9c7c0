"""Registration documents: accepting an upload (size and type checked on the bytes) and
verifying one, for one school at a time (the rows: adapters/documents_store).

The row and its audit entry commit together; the file takes its permanent name inside that
transaction and is removed again if the transaction does not commit. Another school's
document or registration is simply not found.
"""

from __future__ import annotations

from typing import BinaryIO

from registrar.adapters import audit_store, documents_store
from registrar.adapters.document_files import DocumentFiles, FileTooLarge, SpooledFile
from registrar.adapters.registrations_store import lock_registration, registration_exists
from registrar.domain.documents import (
    ALLOWED_TYPES,
    DOCUMENT_KINDS,
    MAX_DOCUMENT_BYTES,
    SNIFF_BYTES,
    display_filename,
    sniff_content_type,
)
from shared.db import transaction
from shared.errors import InvalidInput, NotFound, TooLarge, UnsupportedContent


def require_registration(connection, school_id: int, registration_id: int) -> None:
    """Raises NotFound unless the registration is the school's."""
    with connection.cursor() as cursor:
        if not registration_exists(cursor, school_id, registration_id):
            raise NotFound("registration")


def accept_upload(
    connection,
    files: DocumentFiles,
    school_id: int,
    registration_id: int,
    stream: BinaryIO | None,
    client_filename: str | None,
    kind: str | None,
    actor: str,
) -> dict:
    """Check an uploaded file (size and type read from its bytes) and store it; returns the
    document. Raises NotFound, TooLarge, UnsupportedContent (not a PDF, PNG or JPEG) and
    InvalidInput (no file, unknown kind). The API and the workspace both upload through here."""
    require_registration(connection, school_id, registration_id)
    kind = kind or "other"
    if stream is None or not client_filename:
        raise InvalidInput.of_field("file", "a file is required (multipart field 'file')")
    if kind not in DOCUMENT_KINDS:
        raise InvalidInput.of_field("kind", f"must be one of {', '.join(DOCUMENT_KINDS)}")
    spooled, content_type = checked_upload(files, school_id, stream)
    return store(
        connection,
        files,
        school_id,
        registration_id,
        spooled,
        content_type=content_type,
        kind=kind,
        client_filename=client_filename,
        actor=actor,
    )


def checked_upload(files: DocumentFiles, school_id: int, stream: BinaryIO):
    """Spool an upload and read its type from its bytes: (spooled file, content type). Raises
    TooLarge past the limit or UnsupportedContent when it is not a PDF, PNG or JPEG, leaving
    nothing behind. Every upload, the staff's and the family's, is checked here."""
    try:
        spooled = files.spool(school_id, stream, MAX_DOCUMENT_BYTES, SNIFF_BYTES)
    except FileTooLarge:
        raise TooLarge(
            f"a document may be at most {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB",
            details={"max_bytes": MAX_DOCUMENT_BYTES},
        ) from None
    content_type = sniff_content_type(spooled.head)
    if content_type is None:
        files.discard(spooled.path)
        raise UnsupportedContent(
            "the file is not a PDF, PNG or JPEG", details={"allowed": list(ALLOWED_TYPES)}
        )
    return spooled, content_type


def store(
    connection,
    files: DocumentFiles,
    school_id: int,
    registration_id: int,
    spooled: SpooledFile,
    *,
    content_type: str,
    kind: str,
    client_filename: str | None,
    actor: str,
) -> dict:
    """Record an accepted upload; returns the document."""
    key = None
    try:
        with transaction(connection) as cursor:
            lock_registration(cursor, school_id, registration_id)
            key, document_id = record_document(
                cursor,
                files,
                school_id,
                registration_id,
                spooled,
                content_type=content_type,
                kind=kind,
                client_filename=client_filename,
                actor=actor,
            )
            return documents_store.document(cursor, school_id, document_id)
    except BaseException:
        files.discard(key if key is not None else spooled.path)
        raise


def record_document(
    cursor,
    files: DocumentFiles,
    school_id: int,
    registration_id: int,
    spooled: SpooledFile,
    *,
    content_type: str,
    kind: str,
    client_filename: str | None,
    actor: str,
) -> tuple[str, int]:
    """Give a checked upload its key and write its row and audit entry in the caller's
    transaction (registration locked by the caller): (storage key, document id). The caller
    discards the key if its transaction does not commit later."""
    filename = display_filename(client_filename, content_type)
    key = files.keep(school_id, spooled)
    try:
        document_id = documents_store.insert(
            cursor,
            school_id,
            registration_id,
            kind=kind,
            filename=filename,
            content_type=content_type,
            spooled=spooled,
            storage_key=key,
            actor=actor,
        )
        audit_store.record(
            cursor,
            school_id=school_id,
            actor=actor,
            action="document_uploaded",
            entity_type="registration",
            entity_id=registration_id,
            new_value=f"{kind}: {filename}"[: audit_store.VALUE_LENGTH],
        )
    except BaseException:
        # The row never committed: its file must not stay behind.
        files.discard(key)
        raise
    return key, document_id


def verify(connection, school_id: int, document_id: int, actor: str) -> dict:
    """Mark a document checked by staff; verifying it again changes nothing."""
    with transaction(connection) as cursor:
        row = documents_store.lock_for_verifying(cursor, school_id, document_id)
        if row["verified_at"] is None:
            documents_store.mark_verified(cursor, school_id, document_id, actor)
            audit_store.record(
                cursor,
                school_id=school_id,
                actor=actor,
                action="document_verified",
                entity_type="registration",
                entity_id=row["registration_id"],
                new_value=row["original_filename"][: audit_store.VALUE_LENGTH],
            )
        return documents_store.document(cursor, school_id, document_id)
