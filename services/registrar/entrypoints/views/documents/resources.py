"""Registration documents: upload and list (/api/admin/self-registration/{id}/documents),
download and verify (/api/admin/documents/{doc_id}).

A registrar uploads and verifies; anyone of the school (viewer and up) lists and downloads.
Uploads are multipart (field `file`, optional `kind`): over the size limit -> 413, a type other
than PDF, PNG or JPEG (read from the bytes) -> 415.
"""

from __future__ import annotations

from flask import current_app, request, send_file
from flask_smorest import Blueprint

from registrar.adapters import documents_store
from registrar.adapters.document_files import DocumentFiles
from registrar.adapters.users_store import actor_for
from registrar.domain.documents import ALLOWED_TYPES, MAX_DOCUMENT_BYTES
from registrar.entrypoints.access import current_principal, requires
from registrar.entrypoints.views.documents.schemas import UPLOAD_BODY, DocumentOut
from registrar.entrypoints.views.json_only import json_only
from registrar.service_layer import documents
from shared.web import ApiError, request_db

# Room for the multipart envelope (boundaries, headers, the kind field) around the file.
MULTIPART_OVERHEAD_BYTES = 64 * 1024

blp = Blueprint(
    "documents",
    __name__,
    url_prefix="/api/admin",
    description="Documents families hand in with a registration.",
)


@blp.before_request
def _allow_document_sized_bodies():
    """Uploads only: the service's small default body limit would refuse any real document."""
    if request.endpoint == "documents.upload_document":
        request.max_content_length = MAX_DOCUMENT_BYTES + MULTIPART_OVERHEAD_BYTES


@blp.route("/self-registration/<int:registration_id>/documents", methods=["POST"])
@requires("registrar")
@blp.doc(requestBody=UPLOAD_BODY)
@blp.response(201, DocumentOut)
@blp.alt_response(413, description="payload_too_large: over 10 MiB")
@blp.alt_response(415, description="unsupported_media_type: not a PDF, PNG or JPEG")
def upload_document(registration_id):
    """Upload a document for a registration."""
    connection, principal = request_db("registrar"), current_principal()
    upload = request.files.get("file")
    return documents.accept_upload(
        connection,
        DocumentFiles(current_app.config["EDQUILL_SETTINGS"].documents_dir),
        principal.school_id,
        registration_id,
        upload.stream if upload else None,
        upload.filename if upload else None,
        request.form.get("kind"),
        actor_for(connection, principal),
    )


@blp.route("/self-registration/<int:registration_id>/documents", methods=["GET"])
@requires("viewer")
@blp.response(200, DocumentOut(many=True))
def list_documents(registration_id):
    """A registration's documents, oldest first."""
    connection, school_id = request_db("registrar"), current_principal().school_id
    documents.require_registration(connection, school_id, registration_id)
    return documents_store.for_registration(connection, school_id, registration_id)


@blp.route("/documents/<int:document_id>", methods=["GET"])
@requires("viewer")
@blp.doc(
    responses={
        "200": {
            "description": "the document's bytes",
            "content": {
                content_type: {"schema": {"type": "string", "format": "binary"}}
                for content_type in ALLOWED_TYPES
            },
        }
    }
)
def download_document(document_id):
    """The document itself, as an attachment."""
    return document_response(current_principal().school_id, document_id)


def document_response(school_id: int, document_id: int):
    """A school's document as an attachment (the API and the workspace serve it alike)."""
    with request_db("registrar").cursor() as cursor:
        stored = documents_store.file_of(cursor, school_id, document_id)
    files = DocumentFiles(current_app.config["EDQUILL_SETTINGS"].documents_dir)
    path = files.path_of(stored["storage_key"])
    if not path.is_file():
        raise ApiError(410, "gone", "the document's file is missing from storage")
    response = send_file(
        path,
        mimetype=stored["content_type"],
        as_attachment=True,
        download_name=stored["original_filename"],
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.route("/documents/<int:document_id>/verify", methods=["POST"])
@requires("registrar")
@json_only
@blp.response(200, DocumentOut)
def verify_document(document_id):
    """Mark a document as checked by staff (again: no change)."""
    connection, principal = request_db("registrar"), current_principal()
    return documents.verify(
        connection, principal.school_id, document_id, actor_for(connection, principal)
    )
