"""GET /admin/classes: the school's teachers, each with their classes (capacity, seats taken,
waitlist, full ones marked) and a week grid, and what is archived. Registrars and admins also
get the forms (classes_actions posts them); a viewer sees the same page without forms.

?teacher=<id> or ?schedule=<id> opens that teacher's or class's edit form in place of the
form that adds one.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from registrar.domain.scheduling import WEEKDAYS
from registrar.entrypoints.pages import wording
from registrar.entrypoints.pages.board_filters import positive_int
from registrar.entrypoints.pages.class_forms import SCHEDULE_FIELDS, typed_from_class
from registrar.entrypoints.pages.page_responses import html_page
from registrar.entrypoints.pages.page_roles import page_for
from registrar.entrypoints.pages.staff_session import staff_session
from registrar.entrypoints.pages.workspace import dashboard_url
from registrar.service_layer.class_overview import classes_overview
from shared.roles import VIEWER
from shared.web import request_db

CLASSES = "/admin/classes"
DONE = {
    "teacher_added": "Saved: the teacher is added.",
    "teacher_changed": "Saved: the teacher is changed.",
    "teacher_archived": "Archived: the teacher and their classes are no longer offered.",
    "teacher_restored": "Restored: the teacher and their classes are offered again.",
    "class_added": "Saved: the class is added to its teacher's week.",
    "class_changed": "Saved: the class is changed.",
    "class_archived": "Archived: the class is no longer offered; its students stay placed.",
    "class_restored": "Restored: the class is offered again.",
}

blp = Blueprint("classes_page", __name__, template_folder="templates")


@blp.get(CLASSES)
@page_for(VIEWER)
def classes_page():
    done = DONE.get(request.args.get("done", ""))
    return render_classes(
        notice={"kind": "success", "text": done} if done else None,
        editing_teacher=positive_int(request.args.get("teacher")),
        editing_schedule=positive_int(request.args.get("schedule")),
    )


def render_classes(
    *,
    notice: dict | None = None,
    editing_teacher: int | None = None,
    teacher_form: dict | None = None,
    editing_schedule: int | None = None,
    schedule_form: dict | None = None,
    check: dict | None = None,
    problems: dict | None = None,
    status: int = 200,
):
    """The page; `*_form` are the values typed into a form shown again, `check` a clash
    warning or refusal for the class form, `problems` the fields at fault by name."""
    session = staff_session()
    overview = classes_overview(request_db("registrar"), session.principal.school_id)
    teachers_by_id = {t["id"]: t for t in overview["teachers"] + overview["archived_teachers"]}
    if editing_teacher not in teachers_by_id:
        editing_teacher = None
    if editing_schedule not in overview["schedules"]:
        editing_schedule = None
    if teacher_form is None:
        teacher = teachers_by_id.get(editing_teacher) or {}
        teacher_form = {"name": teacher.get("name", ""), "email": teacher.get("email") or ""}
    if schedule_form is None:
        schedule_form = (
            typed_from_class(overview["schedules"][editing_schedule], session.school.currency)
            if editing_schedule
            else dict.fromkeys(SCHEDULE_FIELDS, "")
        )
    body = render_template(
        "classes/page.html",
        session=session,
        current="classes",
        dashboard_url=dashboard_url(),
        wording=wording,
        overview=overview,
        notice=notice,
        editing_teacher=teachers_by_id.get(editing_teacher),
        teacher_form=teacher_form,
        editing_schedule=overview["schedules"].get(editing_schedule),
        schedule_form=schedule_form,
        check=check,
        problems=problems or {},
        weekdays=list(enumerate(WEEKDAYS)),
    )
    return html_page(body, status)
