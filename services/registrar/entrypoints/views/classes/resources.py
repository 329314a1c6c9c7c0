"""GET, POST /api/admin/teachers and /api/admin/schedules.

Anyone of the school may list them (viewer and up); only an admin creates them.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from registrar.adapters import classes_store
from registrar.adapters.users_store import actor_for
from registrar.entrypoints.access import current_principal, requires
from registrar.entrypoints.views.classes.schemas import (
    Created,
    ScheduleIn,
    ScheduleOut,
    TeacherIn,
    TeacherOut,
)
from registrar.entrypoints.views.json_only import json_only
from registrar.service_layer import classes
from shared.web import request_db

blp = Blueprint(
    "classes",
    __name__,
    url_prefix="/api/admin",
    description="Teachers and their weekly class schedules.",
)


@blp.route("/teachers")
class Teachers(MethodView):
    @requires("viewer")
    @blp.response(200, TeacherOut(many=True))
    def get(self):
        """The school's teachers, by name."""
        with request_db("registrar").cursor() as cursor:
            return classes_store.list_teachers(cursor, current_principal().school_id)

    @requires("admin")
    @json_only
    @blp.arguments(TeacherIn)
    @blp.response(201, Created)
    def post(self, data):
        """Add a teacher."""
        connection, principal = request_db("registrar"), current_principal()
        actor = actor_for(connection, principal)
        teacher_id = classes.add_teacher(
            connection, principal.school_id, data["name"], data["email"], actor
        )
        return {"id": teacher_id}


@blp.route("/schedules")
class Schedules(MethodView):
    @requires("viewer")
    @blp.response(200, ScheduleOut(many=True))
    def get(self):
        """The school's classes, by weekday and time, with the seats taken."""
        with request_db("registrar").cursor() as cursor:
            return classes_store.list_schedules(cursor, current_principal().school_id)

    @requires("admin")
    @json_only
    @blp.arguments(ScheduleIn)
    @blp.response(201, Created)
    def post(self, data):
        """Add a weekly class: 422 for an impossible slot, 404 for another school's teacher."""
        connection, principal = request_db("registrar"), current_principal()
        actor = actor_for(connection, principal)
        schedule_id = classes.add_schedule(connection, principal.school_id, data, actor)
        return {"id": schedule_id}
