"""Registration documents in MySQL (registration_documents), for one school at a time: a
document leaves as the API shows it (no storage key, times in UTC with a Z), except for
serving its bytes. Another school's document is simply not found."""

from __future__ import annotations

from registrar.adapters.db_cursor import cursor_from
from registrar.adapters.document_files import SpooledFile
from registrar.adapters.json_values import iso_utc
from shared.errors import NotFound

_COLUMNS = (
    "id, registration_id, kind, original_filename, content_type, size_bytes, sha256, "
    "storage_key, uploaded_by, uploaded_at, verified_by, verified_at"
)


def insert(
    cursor,
    school_id: int,
    registration_id: int,
    *,
    kind: str,
    filename: str,
    content_type: str,
    spooled: SpooledFile,
    storage_key: str,
    actor: str,
) -> int:
    """The new document's id."""
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
            storage_key,
            actor,
        ),
    )
    return cursor.lastrowid


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


def lock_for_verifying(cursor, school_id: int, document_id: int) -> dict:
    """The document's registration, verification and name, locked FOR UPDATE."""
    cursor.execute(
        "SELECT registration_id, verified_at, original_filename "
        "FROM registration_documents WHERE id = %s AND school_id = %s FOR UPDATE",
        (document_id, school_id),
    )
    row = cursor.fetchone()
    if row is None:
        raise NotFound("document")
    return row


def mark_verified(cursor, school_id: int, document_id: int, actor: str) -> None:
    cursor.execute(
        "UPDATE registration_documents SET verified_by = %s, "
        "verified_at = UTC_TIMESTAMP(6) WHERE id = %s AND school_id = %s",
        (actor, document_id, school_id),
    )


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
