"""/api/admin/teachers and /api/admin/schedules: list, add, change, archive and restore the
school's teachers and weekly classes, and check a class against its teacher's week.

Anyone of the school may list and check (viewer and up); a registrar or admin changes them.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from registrar.adapters import class_listing_store
from registrar.adapters.users_store import actor_for
from registrar.entrypoints.access import current_principal, requires
from registrar.entrypoints.views.classes.schemas import (
    Created,
    ListQuery,
    ScheduleCheckOut,
    ScheduleCheckQuery,
    ScheduleIn,
    ScheduleOut,
    ScheduleSavedOut,
    TeacherIn,
    TeacherOut,
)
from registrar.entrypoints.views.json_only import json_only
from registrar.service_layer import class_clashes, classes
from shared.roles import REGISTRAR, VIEWER
from shared.web import request_db

blp = Blueprint(
    "classes",
    __name__,
    url_prefix="/api/admin",
    description="Teachers and their weekly class schedules.",
)

CLASH = "schedule_conflict: details.conflicts lists the clashes, details.free_slots free times"
ARCHIVED_TEACHER = "teacher_archived: restore the teacher first"


@blp.route("/teachers")
class Teachers(MethodView):
    @requires(VIEWER)
    @blp.arguments(ListQuery, location="query")
    @blp.response(200, TeacherOut(many=True))
    def get(self, query):
        """The school's teachers in use, by name (with include_archived, every one)."""
        with request_db("registrar").cursor() as cursor:
            return class_listing_store.list_teachers(
                cursor, current_principal().school_id, include_archived=query["include_archived"]
            )

    @requires(REGISTRAR)
    @json_only
    @blp.arguments(TeacherIn)
    @blp.response(201, Created)
    def post(self, data):
        """Add a teacher."""
        connection, school_id, actor = _writer()
        return {
            "id": classes.add_teacher(connection, school_id, data["name"], data["email"], actor)
        }


@blp.route("/teachers/<int:teacher_id>", methods=["PUT"])
@requires(REGISTRAR)
@json_only
@blp.arguments(TeacherIn)
@blp.response(200, TeacherOut)
def change_teacher(data, teacher_id: int):
    """Rename a teacher or change their e-mail (no e-mail given: none)."""
    connection, school_id, actor = _writer()
    return classes.change_teacher(
        connection, school_id, teacher_id, data["name"], data["email"], actor
    )


@blp.route("/teachers/<int:teacher_id>/archive", methods=["POST"])
@requires(REGISTRAR)
@blp.response(200, TeacherOut)
def archive_teacher(teacher_id: int):
    """Archive a teacher: they and their classes leave the placement choices; their history
    stays. Archiving an archived teacher changes nothing."""
    connection, school_id, actor = _writer()
    return classes.archive_teacher(connection, school_id, teacher_id, actor)


@blp.route("/teachers/<int:teacher_id>/unarchive", methods=["POST"])
@requires(REGISTRAR)
@blp.response(200, TeacherOut)
def unarchive_teacher(teacher_id: int):
    """Restore an archived teacher, with their classes that are not archived themselves."""
    connection, school_id, actor = _writer()
    return classes.archive_teacher(connection, school_id, teacher_id, actor, archived=False)


@blp.route("/schedules")
class Schedules(MethodView):
    @requires(VIEWER)
    @blp.arguments(ListQuery, location="query")
    @blp.response(200, ScheduleOut(many=True))
    def get(self, query):
        """The school's classes in use, by weekday and time, with seats taken and left and
        the waitlist's length (with include_archived, every one)."""
        with request_db("registrar").cursor() as cursor:
            return class_listing_store.list_schedules(
                cursor, current_principal().school_id, include_archived=query["include_archived"]
            )

    @requires(REGISTRAR)
    @json_only
    @blp.arguments(ScheduleIn)
    @blp.response(201, Created)
    @blp.alt_response(409, description=f"{CLASH}; {ARCHIVED_TEACHER}")
    def post(self, data):
        """Add a weekly class: 422 for an impossible slot, 404 for another school's teacher,
        409 when it clashes with another of the teacher's classes."""
        connection, school_id, actor = _writer()
        return {"id": classes.add_schedule(connection, school_id, data, actor)}


@blp.route("/schedules/check", methods=["GET"])
@requires(VIEWER)
@blp.arguments(ScheduleCheckQuery, location="query")
@blp.response(200, ScheduleCheckOut)
def check_schedule(query):
    """The teacher's other classes in use that the slot would clash with, and free times of
    the same length to suggest (nothing is locked or written)."""
    leaving_out = query.pop("schedule_id")
    return class_clashes.check_schedule(
        request_db("registrar"), current_principal().school_id, query, leaving_out
    )


@blp.route("/schedules/<int:schedule_id>", methods=["PUT"])
@requires(REGISTRAR)
@json_only
@blp.arguments(ScheduleIn)
@blp.response(200, ScheduleSavedOut)
@blp.alt_response(
    409,
    description=f"{CLASH}; capacity_below_seats_taken (details.seats_taken); {ARCHIVED_TEACHER}",
)
def change_schedule(data, schedule_id: int):
    """Change a class (the same fields as adding one; a fee given becomes its tuition, none
    leaves its fees as they are)."""
    connection, school_id, actor = _writer()
    return classes.change_schedule(connection, school_id, schedule_id, data, actor)


@blp.route("/schedules/<int:schedule_id>/archive", methods=["POST"])
@requires(REGISTRAR)
@blp.response(200, ScheduleSavedOut)
def archive_schedule(schedule_id: int):
    """Archive a class: it leaves the placement choices; its students stay placed."""
    connection, school_id, actor = _writer()
    return classes.archive_schedule(connection, school_id, schedule_id, actor)


@blp.route("/schedules/<int:schedule_id>/unarchive", methods=["POST"])
@requires(REGISTRAR)
@blp.response(200, ScheduleSavedOut)
@blp.alt_response(409, description=f"{CLASH}; {ARCHIVED_TEACHER}")
def unarchive_schedule(schedule_id: int):
    """Restore an archived class, unless it would clash with its teacher's classes now."""
    connection, school_id, actor = _writer()
    return classes.archive_schedule(connection, school_id, schedule_id, actor, archived=False)


def _writer() -> tuple:
    """(connection, school id, actor) of a change made with this request's token."""
    connection, principal = request_db("registrar"), current_principal()
    return connection, principal.school_id, actor_for(connection, principal)
