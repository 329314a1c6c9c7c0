"""Composition root of the registrar service: `create_app(settings)`.

Blueprints register here and nowhere else; the database is reached per request through
shared.web.request_db, opened after gunicorn forks.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from registrar.entrypoints.outbox_metrics import outbox_backlog_metrics
from shared.config import Settings
from shared.page_language import install_page_languages
from shared.request_db import install_read_replica
from shared.web import create_api, operations_blueprint, release_request_db

# The catalogs of the family-facing pages (make install compiles them; docs/registrar-api.md).
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def create_app(settings: Settings | None = None, test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config["EDQUILL_SETTINGS"] = settings or Settings.from_env()
    app.config.update(test_config or {})
    install_page_languages(app, TRANSLATIONS)
    api = create_api(app, "EdQuill registrar")
    app.register_blueprint(operations_blueprint("registrar", outbox_backlog_metrics))
    app.teardown_request(release_request_db)
    # Only the reports read there: the workspace and the lead queue read their own writes.
    install_read_replica(app, "registrar")
    for blueprint in _api_blueprints():
        api.register_blueprint(blueprint)
    for blueprint in _page_blueprints():
        app.register_blueprint(blueprint)
    return app


def _api_blueprints():
    """Each resource's blueprint; the list grows as resources land."""
    from registrar.entrypoints.views.audit.resources import blp as audit
    from registrar.entrypoints.views.auth.resources import blp as auth
    from registrar.entrypoints.views.billing.resources import blp as billing
    from registrar.entrypoints.views.classes.resources import blp as classes
    from registrar.entrypoints.views.conversions.resources import blp as conversions
    from registrar.entrypoints.views.documents.resources import blp as documents
    from registrar.entrypoints.views.feature_flags.resources import blp as feature_flags
    from registrar.entrypoints.views.lead_export import blp as lead_export
    from registrar.entrypoints.views.placements.resources import blp as placements
    from registrar.entrypoints.views.public_registrations.resources import (
        blp as public_registrations,
    )
    from registrar.entrypoints.views.reports import blp as reports
    from registrar.entrypoints.views.school.resources import blp as school
    from registrar.entrypoints.views.self_registrations.resources import blp as self_registrations
    from registrar.entrypoints.views.staff.resources import blp as staff
    from registrar.entrypoints.views.staff_invitations.resources import blp as staff_invitations
    from registrar.entrypoints.views.waitlist.resources import blp as waitlist

    return [
        auth,
        public_registrations,
        self_registrations,
        lead_export,
        feature_flags,
        classes,
        placements,
        waitlist,
        billing,
        conversions,
        documents,
        reports,
        staff,
        staff_invitations,
        audit,
        school,
    ]


def _page_blueprints():
    """HTML pages (outside the OpenAPI document)."""
    from registrar.entrypoints.pages.audit_page import blp as audit_page
    from registrar.entrypoints.pages.autopay import blp as autopay
    from registrar.entrypoints.pages.classes_actions import blp as classes_actions
    from registrar.entrypoints.pages.classes_page import blp as classes_page
    from registrar.entrypoints.pages.family_form import blp as family_form
    from registrar.entrypoints.pages.family_offers import blp as family_offers
    from registrar.entrypoints.pages.family_pages import blp as family_pages
    from registrar.entrypoints.pages.lead_export_page import blp as lead_export_page
    from registrar.entrypoints.pages.registration_record import blp as registration_record
    from registrar.entrypoints.pages.settings_page import blp as settings_page
    from registrar.entrypoints.pages.settings_remote_forms import blp as settings_remote_forms
    from registrar.entrypoints.pages.sign_in import blp as sign_in
    from registrar.entrypoints.pages.staff_invitation_page import blp as staff_invitation_page
    from registrar.entrypoints.pages.staff_pages import blp as staff_pages
    from registrar.entrypoints.pages.workspace import blp as workspace
    from registrar.entrypoints.pages.workspace_actions import blp as workspace_actions
    from registrar.entrypoints.pages.workspace_waitlist import blp as workspace_waitlist

    return [
        autopay,
        sign_in,
        workspace,
        workspace_actions,
        lead_export_page,
        staff_pages,
        staff_invitation_page,
        audit_page,
        settings_page,
        settings_remote_forms,
        registration_record,
        classes_page,
        classes_actions,
        workspace_waitlist,
        family_form,
        family_pages,
        family_offers,
    ]
