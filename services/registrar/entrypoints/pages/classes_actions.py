"""The classes page's forms, for registrars and admins (a viewer's post gets the 403 page):
a teacher added, changed, archived or restored; a class checked against its teacher's week,
added, changed, archived or restored. Each is the API's own use case (service_layer.classes)
behind the session cookie and CSRF token.

A class form has two buttons: "Check the time" (intent=check) answers the page again with
the typed values kept and the clash warning with free times (each a button that moves the
class there and checks again); "Save the class" saves it, or shows the refusal in place, the
values kept. Success redirects back with a confirmation (post/redirect/get).
"""

from __future__ import annotations

from flask import Blueprint, redirect, request

from registrar.adapters.users_store import actor_for
from registrar.entrypoints.pages import class_forms, wording
from registrar.entrypoints.pages.classes_page import CLASSES, render_classes
from registrar.entrypoints.pages.page_responses import message_page
from registrar.entrypoints.pages.page_roles import page_for
from registrar.entrypoints.pages.staff_session import staff_session
from registrar.service_layer import class_clashes, classes
from shared.errors import DomainError, NotFound
from shared.roles import REGISTRAR
from shared.web import domain_error_status, request_db

blp = Blueprint("classes_actions", __name__)


@blp.post(f"{CLASSES}/teachers")
@blp.post(f"{CLASSES}/teachers/<int:teacher_id>")
@page_for(REGISTRAR)
def save_teacher(teacher_id: int | None = None):
    kept = class_forms.typed(request.form, class_forms.TEACHER_FIELDS)
    try:
        teacher = class_forms.teacher_fields(kept)
        if teacher_id is None:
            classes.add_teacher(_db(), _school_id(), teacher["name"], teacher["email"], _actor())
        else:
            classes.change_teacher(
                _db(), _school_id(), teacher_id, teacher["name"], teacher["email"], _actor()
            )
    except DomainError as exc:
        return _refused(exc, "teacher", editing_teacher=teacher_id, teacher_form=kept)
    return _done("teacher_added" if teacher_id is None else "teacher_changed")


@blp.post(f"{CLASSES}/teachers/<int:teacher_id>/archived")
@page_for(REGISTRAR)
def archive_teacher(teacher_id: int):
    archived = request.form.get("archived") == "yes"
    try:
        classes.archive_teacher(_db(), _school_id(), teacher_id, _actor(), archived=archived)
    except DomainError as exc:
        return _refused(exc)
    return _done("teacher_archived" if archived else "teacher_restored")


@blp.post(f"{CLASSES}/schedules")
@blp.post(f"{CLASSES}/schedules/<int:schedule_id>")
@page_for(REGISTRAR)
def save_schedule(schedule_id: int | None = None):
    kept = class_forms.typed(request.form, class_forms.SCHEDULE_FIELDS)
    kept = class_forms.with_free_time(kept, request.form)
    shown = {"editing_schedule": schedule_id, "schedule_form": kept}
    try:
        if request.form.get("intent") == "check" or request.form.get("use_slot"):
            found = class_clashes.check_schedule(
                _db(), _school_id(), class_forms.check_fields(kept), schedule_id
            )
            return render_classes(check={"checked": True, **found}, **shown)
        fields = class_forms.schedule_fields(kept, staff_session().school.currency)
        if schedule_id is None:
            classes.add_schedule(_db(), _school_id(), fields, _actor())
        else:
            classes.change_schedule(_db(), _school_id(), schedule_id, fields, _actor())
    except class_clashes.TeacherClash as exc:
        return render_classes(check={"refused": exc.message, **exc.details}, status=409, **shown)
    except DomainError as exc:
        return _refused(exc, "schedule", **shown)
    return _done("class_added" if schedule_id is None else "class_changed")


@blp.post(f"{CLASSES}/schedules/<int:schedule_id>/archived")
@page_for(REGISTRAR)
def archive_schedule(schedule_id: int):
    archived = request.form.get("archived") == "yes"
    try:
        classes.archive_schedule(_db(), _school_id(), schedule_id, _actor(), archived=archived)
    except class_clashes.TeacherClash as exc:
        return render_classes(
            notice={"kind": "error", "text": wording.sentence(exc.message)}, status=409
        )
    except DomainError as exc:
        return _refused(exc)
    return _done("class_archived" if archived else "class_restored")


def _refused(error: DomainError, form: str | None = None, **shown):
    """The page again with the reason in words, in the form posted (`form`: "teacher" or
    "schedule") with the fields at fault marked, or at the top of the page."""
    if isinstance(error, NotFound):
        return message_page(
            404,
            "Not found",
            "There is no such teacher or class in your school.",
            link=(CLASSES, "Back to the classes"),
        )
    problems = wording.field_errors(error.details)
    text = (
        "Not saved: check the fields marked below."
        if problems
        else f"Not saved: {wording.sentence(error.message)}"
    )
    return render_classes(
        notice={"kind": "error", "text": text, "form": form},
        problems={form: problems} if form else {},
        status=domain_error_status(error),
        **shown,
    )


def _done(what: str):
    return redirect(f"{CLASSES}?done={what}", code=303)


def _db():
    return request_db("registrar")


def _school_id() -> int:
    return staff_session().principal.school_id


def _actor() -> str:
    return actor_for(_db(), staff_session().principal)
