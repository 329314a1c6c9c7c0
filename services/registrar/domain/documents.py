"""What a registration document may be: its size, its type (read from its bytes, never from
what the client claims) and a harmless name to show for it. No I/O."""

from __future__ import annotations

import re
import unicodedata

# Scans and phone photos of a certificate fit well within this; larger is almost always a
# mistake (a video, a whole photo album).
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

DOCUMENT_KINDS = (
    "birth_certificate",
    "proof_of_address",
    "immunization_record",
    "previous_report",
    "photo_id",
    "other",
)

# The leading bytes ("magic numbers") of the types we accept, and how each is served back.
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
ALLOWED_TYPES = tuple(content_type for _magic, content_type in _SIGNATURES)

# Bytes to read to recognise any of the signatures above.
SNIFF_BYTES = max(len(magic) for magic, _type in _SIGNATURES)

_UNSAFE = re.compile(r"[^\w.\- ()]+")


def sniff_content_type(head: bytes) -> str | None:
    """The document's type from its first bytes, or None when it is not one we accept."""
    for magic, content_type in _SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def display_filename(client_name: str | None, content_type: str) -> str:
    """The client's file name without any path, control or odd characters, at most 200
    characters; used only for showing and for the download's suggested name."""
    name = unicodedata.normalize("NFC", client_name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" ._")[:200]
    return name or "document" + _EXTENSIONS[content_type]


_EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
