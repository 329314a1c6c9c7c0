"""Registration documents: accepting an upload (size and type checked on the bytes), listing,
serving and verifying them, for one school at a time.

The row and its audit entry commit together; the file takes its permanent name inside that
transaction and is removed again if the transaction does not commit. Another school's
document or registration is simply not found.
"""

from __future__ import annotations

from typing import BinaryIO

from registrar.adapters import audit_store
from registrar.adapters.db_cursor import cursor_from
from registrar.adapters.document_files import DocumentFiles, FileTooLarge, SpooledFile
from registrar.adapters.json_values import iso_utc
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

_COLUMNS = (
    "id, registration_id, kind, original_filename, content_type, size_bytes, sha256, "
    "storage_key, uploaded_by, uploaded_at, verified_by, verified_at"
)


def require_registration(connection, school_id: int, registration_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM student_self_registrations WHERE id = %s AND school_id = %s",
            (registration_id, school_id),
        )
        if cursor.fetchone() is None:
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
            cursor.execute(
                "SELECT id FROM student_self_registrations WHERE id = %s "
                "AND school_id = %s FOR UPDATE",
                (registration_id, school_id),
            )
            if cursor.fetchone() is None:
                raise NotFound("registration")
            filename = display_filename(client_filename, content_type)
            key = files.keep(school_id, spooled)
            cursor.execute(
                "INSERT INTO registration_documents (school_id, registration_id, kind, "
                "original_filename, content_type, size_bytes, sha256, storage_key, uploaded_by, "
                "uploaded_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, UTC_TIMESTAMP(6))",
                (
                    school_id,
                    registration_id,
                    kind,
                    filename,
                    content_type,
                    spooled.size_bytes,
                    spooled.sha256,
                    key,
                    actor,
                ),
            )
            document_id = cursor.lastrowid
            audit_store.record(
                cursor,
                school_id=school_id,
                actor=actor,
                action="document_uploaded",
                entity_type="registration",
                entity_id=registration_id,
                new_value=f"{kind}: {filename}"[: audit_store.VALUE_LENGTH],
            )
            return document(cursor, school_id, document_id)
    except BaseException:
        files.discard(key if key is not None else spooled.path)
        raise


def document(cursor, school_id: int, document_id: int) -> dict:
    return _public(_document(cursor, school_id, document_id))


def for_registration(cursor_or_connection, school_id: int, registration_id: int) -> list[dict]:
    """The registration's documents, oldest first (the detail page's Docs section)."""
    with cursor_from(cursor_or_connection) as cursor:
        cursor.execute(
            f"SELECT {_COLUMNS} FROM registration_documents WHERE school_id = %s "
            "AND registration_id = %s ORDER BY id",
            (school_id, registration_id),
        )
        return [_public(_as_dict(row)) for row in cursor.fetchall()]


def file_of(cursor, school_id: int, document_id: int) -> dict:
    """What serving the bytes needs: the key, the type and the name to suggest."""
    return _document(cursor, school_id, document_id)


def verify(connection, school_id: int, document_id: int, actor: str) -> dict:
    """Mark a document checked by staff; verifying it again changes nothing."""
    with transaction(connection) as cursor:
        cursor.execute(
            "SELECT registration_id, verified_at, original_filename "
            "FROM registration_documents WHERE id = %s AND school_id = %s FOR UPDATE",
            (document_id, school_id),
        )
        row = cursor.fetchone()
        if row is None:
            raise NotFound("document")
        if row["verified_at"] is None:
            cursor.execute(
                "UPDATE registration_documents SET verified_by = %s, "
                "verified_at = UTC_TIMESTAMP(6) WHERE id = %s AND school_id = %s",
                (actor, document_id, school_id),
            )
            audit_store.record(
                cursor,
                school_id=school_id,
                actor=actor,
                action="document_verified",
                entity_type="registration",
                entity_id=row["registration_id"],
                new_value=row["original_filename"][: audit_store.VALUE_LENGTH],
            )
        return document(cursor, school_id, document_id)


def _document(cursor, school_id: int, document_id: int) -> dict:
    cursor.execute(
        f"SELECT {_COLUMNS} FROM registration_documents WHERE id = %s AND school_id = %s",
        (document_id, school_id),
    )
    row = cursor.fetchone()
    if row is None:
        raise NotFound("document")
    return _as_dict(row)


def _as_dict(row: dict) -> dict:
    return {
        **row,
        "uploaded_at": iso_utc(row["uploaded_at"]),
        "verified_at": iso_utc(row["verified_at"]),
    }


def _public(document_row: dict) -> dict:
    """A document as the API shows it: no storage key."""
    shown = {key: value for key, value in document_row.items() if key != "storage_key"}
    shown["filename"] = shown.pop("original_filename")
    shown["verified"] = shown["verified_at"] is not None
    shown["download_url"] = f"/api/admin/documents/{document_row['id']}"
    return shown
