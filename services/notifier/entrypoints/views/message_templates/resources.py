"""A school's message templates (/api/messages/templates): read, reword, back to default."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from notifier.entrypoints.views.message_templates.schemas import (
    RenderedTemplateSchema,
    TemplateChangeSchema,
    TemplateLanguageSchema,
    TemplateListSchema,
    TemplatePreviewSchema,
    TemplateSchema,
)
from notifier.service_layer import template_admin
from shared.locales import SOURCE_LANGUAGE
from shared.remote_access import current_principal, requires
from shared.web import request_db, require_json_body

blp = Blueprint(
    "message_templates",
    __name__,
    url_prefix="/api/messages/templates",
    description="Each message's subject, text and HTML, per school and language.",
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
@blp.arguments(TemplateLanguageSchema, location="query")
@blp.response(200, TemplateSchema)
def get_template(query, key):
    """The wording a family in `language` (default en) reads: the school's own in that
    language, else the school's own in its default language, else the built-in one."""
    school_id = current_principal().school_id
    language = query.get("language", SOURCE_LANGUAGE)
    return template_admin.effective(_store(), request_db("notifier"), school_id, key, language)


@blp.route("/<key>", methods=["PUT"])
@requires("admin")
@blp.arguments(TemplateChangeSchema)
@blp.response(200, TemplateSchema)
def put_template(change, key):
    """Use this wording for the school's families in `language` (default en); 422 when it
    does not render with sample variables."""
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
        change["language"],
    )
    return template_admin.effective(_store(), connection, school_id, key, change["language"])


@blp.route("/<key>", methods=["DELETE"])
@requires("admin")
@blp.arguments(TemplateLanguageSchema, location="query")
@blp.response(204)
def reset_template(query, key):
    """Go back to the default wording: in `language` only, or in every language."""
    school_id = current_principal().school_id
    template_admin.reset_template(
        _store(), request_db("notifier"), school_id, key, query.get("language")
    )


@blp.route("/<key>/preview", methods=["POST"])
@requires("admin")
@blp.arguments(TemplatePreviewSchema)
@blp.response(200, RenderedTemplateSchema)
@blp.alt_response(
    422,
    description="template_invalid: the wording does not render (details.fields: the reason "
    "per part; details.lines: the line at fault, where known)",
)
def preview_template(wording, key):
    """The wording written with the template's sample variables, in the sandbox and limits
    of every message; nothing is stored."""
    return template_admin.preview(
        current_app.extensions["notifier_renderer"],
        key,
        wording["subject"],
        wording["text"],
        wording["html"],
        wording["language"],
    )
