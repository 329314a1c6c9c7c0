"""Registration documents, as the API shows them."""

from __future__ import annotations

from marshmallow import Schema, fields

from registrar.domain.documents import ALLOWED_TYPES, DOCUMENT_KINDS, MAX_DOCUMENT_BYTES


class DocumentOut(Schema):
    id = fields.Int()
    registration_id = fields.Int()
    kind = fields.Str()
    filename = fields.Str()
    content_type = fields.Str(metadata={"description": "read from the file's bytes"})
    size_bytes = fields.Int()
    sha256 = fields.Str()
    uploaded_by = fields.Str()
    uploaded_at = fields.Str()
    verified = fields.Bool()
    verified_by = fields.Str(allow_none=True)
    verified_at = fields.Str(allow_none=True)
    download_url = fields.Str()


UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": f"{', '.join(ALLOWED_TYPES)}; at most "
                        f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB",
                    },
                    "kind": {"type": "string", "enum": list(DOCUMENT_KINDS), "default": "other"},
                },
            }
        }
    },
}
