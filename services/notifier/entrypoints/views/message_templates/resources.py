"""A school's message templates (/api/messages/templates): read, reword, back to default."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from notifier.entrypoints.views.message_templates.schemas import (
    TemplateChangeSchema,
    TemplateListSchema,
    TemplateSchema,
)
from notifier.service_layer import template_admin
from shared.remote_access import current_principal, requires
from shared.web import request_db, require_json_body

blp = Blueprint(
    "message_templates",
    __name__,
    url_prefix="/api/messages/templates",
    description="Each message's subject, text and HTML, per school.",
)
blp.before_request(require_json_body)


def _store():
    return current_app.extensions["notifier_templates"]


@blp.route("", methods=["GET"])
@requires("admin")
@blp.response(200, TemplateListSchema)
def list_templates():
    """Every message the notifier writes, and whether the school has its own wording."""
    school_id = current_principal().school_id
    return {"templates": template_admin.summaries(_store(), request_db("notifier"), school_id)}


@blp.route("/<key>", methods=["GET"])
@requires("admin")
@blp.response(200, TemplateSchema)
def get_template(key):
    """The wording in use for one message (the school's own, or the default)."""
    school_id = current_principal().school_id
    return template_admin.effective(_store(), request_db("notifier"), school_id, key)


@blp.route("/<key>", methods=["PUT"])
@requires("admin")
@blp.arguments(TemplateChangeSchema)
@blp.response(200, TemplateSchema)
def put_template(change, key):
    """Use this wording for the school; 422 when it does not render with sample variables."""
    school_id, clock = current_principal().school_id, current_app.extensions["notifier_clock"]
    connection = request_db("notifier")
    template_admin.replace_template(
        _store(),
        current_app.extensions["notifier_renderer"],
        connection,
        school_id,
        key,
        change["subject"],
        change["text"],
        change["html"],
        clock(),
    )
    return template_admin.effective(_store(), connection, school_id, key)


@blp.route("/<key>", methods=["DELETE"])
@requires("admin")
@blp.response(204)
def reset_template(key):
    """Go back to the default wording."""
    school_id = current_principal().school_id
    template_admin.reset_template(_store(), request_db("notifier"), school_id, key)
