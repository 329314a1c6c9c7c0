"""The workspace's waitlist form: POST /admin/registrar/registrations/{id}/waitlist puts the
registration on a full class's waitlist, through the API's own use case and behind the same
session, CSRF and role checks as the workspace's other forms (workspace_actions)."""

from __future__ import annotations

from flask import Blueprint, request

from registrar.adapters.users_store import actor_for
from registrar.entrypoints.pages.board_filters import positive_int
from registrar.entrypoints.pages.staff_session import staff_session
from registrar.entrypoints.pages.workspace_actions import REGISTRATION, changes_registration
from registrar.service_layer.waitlist import add_to_waitlist
from shared.errors import InvalidInput
from shared.web import request_db

blp = Blueprint("workspace_waitlist", __name__)


@blp.post(f"{REGISTRATION}/waitlist")
@changes_registration(tab="class", form="waitlist")
def join_waitlist(registration_id: int) -> str:
    schedule_id = positive_int(request.form.get("schedule_id"))
    if schedule_id is None:
        raise InvalidInput.of_field("schedule_id", "Choose a full class.")
    connection = request_db("registrar")
    principal = staff_session().principal
    add_to_waitlist(
        connection,
        principal.school_id,
        registration_id,
        schedule_id,
        actor_for(connection, principal),
    )
    return "waitlisted"
