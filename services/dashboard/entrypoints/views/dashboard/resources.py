"""GET /api/dashboard (tiles, trends, action rail of the token's school) and GET, PUT
/api/dashboard/settings (the school's rail targets)."""

from __future__ import annotations

from functools import wraps

from flask_smorest import Blueprint
from marshmallow import RAISE

from dashboard.domain.periods import BadPeriod, choose
from dashboard.domain.rail import Targets
from dashboard.entrypoints import request_context
from dashboard.entrypoints.access import api_caller
from dashboard.entrypoints.views.dashboard.answers import overview_answer
from dashboard.entrypoints.views.dashboard.schemas import (
    DashboardQuerySchema,
    DashboardSchema,
    SettingsSchema,
)
from dashboard.service_layer import rail_targets
from shared.errors import InvalidInput
from shared.remote_access import requires
from shared.web import request_db, require_json_body

blp = Blueprint(
    "dashboard",
    __name__,
    url_prefix="/api/dashboard",
    description="A school's figures and what needs doing, for its admins.",
)


def _json_body_only(view):
    """Refuse a body that is not JSON (400), after the token and role checks."""

    @wraps(view)
    def checked(*args, **kwargs):
        require_json_body()
        return view(*args, **kwargs)

    return checked


@blp.route("", methods=["GET"])
@requires("viewer")
# A field we do not read (e.g. school_id: the school is always the token's) is refused, not
# silently ignored.
@blp.arguments(DashboardQuerySchema, location="query", unknown=RAISE)
@blp.response(200, DashboardSchema)
def dashboard(query):
    """Tiles for the range against the period before, daily trends, and the action rail."""
    caller = api_caller()
    moment = request_context.now()
    try:
        selection = choose(
            request_context.school_today(caller, moment),
            query.get("range"),
            query.get("first"),
            query.get("last"),
        )
    except BadPeriod as exc:
        raise InvalidInput.of_field(exc.field, str(exc)) from None
    overview = request_context.overview_for(caller, selection, moment)
    return overview_answer(overview, request_context.links())


@blp.route("/settings", methods=["GET"])
@requires("viewer")
@blp.response(200, SettingsSchema)
def get_settings():
    """The school's rail targets, or the defaults while it has chosen none."""
    return _current(api_caller().principal.school_id)


@blp.route("/settings", methods=["PUT"])
@requires("admin")
@_json_body_only
@blp.arguments(SettingsSchema)
@blp.response(200, SettingsSchema)
def put_settings(chosen):
    """Replace the school's rail targets (hours a lead, a needs_info request and an approval
    may wait before they show on the rail)."""
    school_id = api_caller().principal.school_id
    rail_targets.save_targets(
        request_db("dashboard"), school_id, Targets(**chosen), request_context.now()
    )
    return _current(school_id)


def _current(school_id: int) -> dict:
    targets, customised = rail_targets.current_targets(
        request_db("dashboard"), school_id, request_context.config().default_targets()
    )
    return {**vars(targets), "customised": customised}
