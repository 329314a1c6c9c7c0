"""The workspace's form posts: move a status, place in a class, approve, convert, upload and
verify documents. Each is the page's own backend: the session cookie and its CSRF token
instead of an Accesstoken header, then the very service functions the API calls, so every
rule (lifecycle, conflicts, invoicing, file checks) is the same one.

Success redirects to the panel with a confirmation (post/redirect/get). A refusal renders the
page again with the reason in words, the fields at fault marked and what was typed kept; a
form decided on an older version of the registration (someone else moved it meanwhile) is
refused as stale and the panel shows the current state instead of overwriting it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import wraps

from flask import Blueprint, current_app, redirect, request
from werkzeug.exceptions import RequestEntityTooLarge

from registrar.adapters import classes_store
from registrar.adapters.document_files import DocumentFiles
from registrar.adapters.users_store import actor_for
from registrar.domain.documents import MAX_DOCUMENT_BYTES
from registrar.entrypoints.pages import posted_form, wording
from registrar.entrypoints.pages.page_responses import message_page
from registrar.entrypoints.pages.staff_session import csrf_checked, signed_in, staff_session
from registrar.entrypoints.pages.workspace import (
    HOME,
    placement_warning,
    render_workspace,
    workspace_url,
)
from registrar.entrypoints.views.documents.resources import MULTIPART_OVERHEAD_BYTES
from registrar.entrypoints.views.self_registrations.schemas import StatusChangeSchema
from registrar.service_layer import conversions, documents
from registrar.service_layer.approvals import approve
from registrar.service_layer.assignments import ScheduleConflict, assign_class
from registrar.service_layer.lead_status import change_lead_status
from shared.errors import DomainError, InvalidInput, NotFound
from shared.web import ApiError, domain_error_status, request_db

REGISTRATION = f"{HOME}/registrations/<int:registration_id>"

STALE_NOTICE = (
    "Someone else changed this registration while you had it open, so your "
    "change was not saved. Below is its current state: check it, then try again "
    "if your change still applies."
)

blp = Blueprint("workspace_actions", __name__)


@blp.before_request
def _allow_document_sized_bodies():
    if request.endpoint == "workspace_actions.upload_document":
        request.max_content_length = MAX_DOCUMENT_BYTES + MULTIPART_OVERHEAD_BYTES


def changes_registration(tab: str, form: str):
    """A post that changes a registration: signed in, CSRF-checked, a role that may change;
    the view's ApiErrors become the page again with the reason (see module docstring)."""

    def decorate(view):
        @signed_in()
        @wraps(view)
        def guarded(registration_id: int, **kwargs):
            session = staff_session()
            if not csrf_checked(session):
                return message_page(
                    403,
                    "This page had expired",
                    "Nothing was changed. Reload the page and try again.",
                    link=(HOME, "Reload the registrar"),
                )
            if not session.may_change:
                return message_page(
                    403,
                    "Your role cannot change registrations",
                    f"You are signed in as a {session.principal.role}: you "
                    "can look at registrations but not change them. Nothing "
                    "was changed.",
                    link=(HOME, "Back to the board"),
                )
            try:
                done = view(registration_id, **kwargs)
            except (ApiError, DomainError) as error:
                if isinstance(error, NotFound):
                    raise
                return _refused(registration_id, tab, form, error)
            return redirect(
                workspace_url(
                    posted_form.board(request.form),
                    registration=registration_id,
                    tab=tab,
                    done=done,
                ),
                code=303,
            )

        return guarded

    return decorate


@blp.post(f"{REGISTRATION}/status")
@changes_registration(tab="overview", form="status")
def move_status(registration_id: int) -> str:
    status = request.form.get("status") or ""
    if not status:
        raise InvalidInput.of_field("status", "Choose the status to move the registration to.")
    change = posted_form.validated(
        StatusChangeSchema(),
        {
            "registration_id": registration_id,
            "status": status,
            "note": request.form.get("note"),
            "version": posted_form.version(request.form),
            "missing": [item for item in request.form.getlist("missing") if item.strip()],
        },
    )
    connection, actor = _connection_and_actor()
    change_lead_status(
        connection,
        _school_id(),
        actor,
        registration_id,
        change["status"],
        change["note"],
        tuple(change["missing"]),
        change["version"],
    )
    return "status_changed"


@blp.post(f"{REGISTRATION}/class")
@changes_registration(tab="class", form="class")
def place_in_class(registration_id: int) -> str:
    schedule_id, teacher_id = posted_form.chosen_class(request.form)
    if schedule_id is None:
        raise InvalidInput.of_field("schedule_id", "Choose a class.")
    connection, actor = _connection_and_actor()
    if teacher_id is None:  # "any teacher", or a suggested class: the class's own teacher
        with connection.cursor() as cursor:
            teacher_id = classes_store.schedule_teacher(cursor, _school_id(), schedule_id)
    assign_class(
        connection,
        _school_id(),
        registration_id,
        teacher_id,
        schedule_id,
        actor,
        expected_version=posted_form.version(request.form),
    )
    return "class_assigned"


@blp.post(f"{REGISTRATION}/approve")
@changes_registration(tab="fees", form="approve")
def approve_registration(registration_id: int) -> str:
    connection, actor = _connection_and_actor()
    approve(
        connection,
        current_app.config["EDQUILL_SETTINGS"],
        _school_id(),
        registration_id,
        send_invoice=posted_form.ticked(request.form, "send_invoice"),
        send_autopay_link=posted_form.ticked(request.form, "send_autopay_link"),
        actor=actor,
        now=datetime.now(timezone.utc),
        expected_version=posted_form.version(request.form),
    )
    return "approved"


@blp.post(f"{REGISTRATION}/convert")
@changes_registration(tab="overview", form="convert")
def convert(registration_id: int) -> str:
    connection, actor = _connection_and_actor()
    conversions.convert(
        connection,
        _school_id(),
        registration_id,
        send_welcome_email=posted_form.ticked(request.form, "send_welcome_email"),
        actor=actor,
        expected_version=posted_form.version(request.form),
    )
    return "converted"


@blp.post(f"{REGISTRATION}/documents")
@changes_registration(tab="docs", form="upload")
def upload_document(registration_id: int) -> str:
    connection, actor = _connection_and_actor()
    upload = request.files.get("file")
    documents.accept_upload(
        connection,
        DocumentFiles(current_app.config["EDQUILL_SETTINGS"].documents_dir),
        _school_id(),
        registration_id,
        upload.stream if upload and upload.filename else None,
        upload.filename if upload else None,
        request.form.get("kind"),
        actor,
    )
    return "document_uploaded"


@blp.post(f"{REGISTRATION}/documents/<int:document_id>/verify")
@changes_registration(tab="docs", form="verify")
def verify_document(registration_id: int, document_id: int) -> str:
    connection, actor = _connection_and_actor()
    documents.verify(connection, _school_id(), document_id, actor)
    return "document_verified"


@blp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    registration_id = (request.view_args or {}).get("registration_id")
    limit = MAX_DOCUMENT_BYTES // (1024 * 1024)
    if staff_session() is None or registration_id is None:
        return message_page(
            413,
            "The file is too large",
            f"A document may be at most {limit} MB.",
            link=(HOME, "Back"),
        )
    return render_workspace(
        registration_id,
        "docs",
        params={},
        status=413,
        notice={
            "kind": "error",
            "text": f"The file is too large: a document may be at most "
            f"{limit} MB. Nothing was uploaded.",
        },
    )


@blp.errorhandler(NotFound)
def _not_found(_error):
    return message_page(
        404,
        "Not found",
        "There is no such registration or document in your school.",
        link=(HOME, "Back to the board"),
    )


# -- refusals --------------------------------------------------------------------------------


def _refused(registration_id: int, tab: str, form: str, error: ApiError | DomainError):
    params = posted_form.board(request.form)
    if error.code == "stale_version":
        return render_workspace(
            registration_id,
            tab,
            params=params,
            status=409,
            notice={"kind": "stale", "text": STALE_NOTICE},
        )
    fields = wording.field_errors(error.details)
    notice = {
        "kind": "error",
        "text": wording.sentence(error.message),
        "fields": fields,
        "form": form,
    }
    if fields:
        notice["text"] = "Nothing was saved: please correct what is marked below."
    check = None
    if isinstance(error, ScheduleConflict):
        notice["text"] = "Nothing was saved: this class would double-book."
        notice["items"] = [wording.sentence(c["message"]) for c in error.details["conflicts"]]
        check = placement_warning(
            staff_session(), registration_id, *posted_form.chosen_class(request.form)
        )
    return render_workspace(
        registration_id,
        tab,
        params=params,
        notice=notice,
        check=check,
        form_state={"form": form, "values": request.form, "errors": fields},
        status=error.status if isinstance(error, ApiError) else domain_error_status(error),
    )


def _connection_and_actor():
    connection = request_db("registrar")
    return connection, actor_for(connection, staff_session().principal)


def _school_id() -> int:
    return staff_session().principal.school_id
