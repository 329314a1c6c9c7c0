"""Composition root of the registrar service: `create_app(settings)`.

Blueprints register here and nowhere else; the database is reached per request through
shared.web.request_db, opened after gunicorn forks.
"""

from __future__ import annotations

from flask import Flask

from shared.config import Settings
from shared.web import create_api, operations_blueprint, release_request_db


def create_app(settings: Settings | None = None, test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config["EDQUILL_SETTINGS"] = settings or Settings.from_env()
    app.config.update(test_config or {})
    api = create_api(app, "EdQuill registrar")
    app.register_blueprint(operations_blueprint("registrar"))
    app.teardown_request(release_request_db)
    for blueprint in _api_blueprints():
        api.register_blueprint(blueprint)
    for blueprint in _page_blueprints():
        app.register_blueprint(blueprint)
    return app


def _api_blueprints():
    """Each resource's blueprint; the list grows as resources land."""
    from registrar.views.auth.resources import blp as auth
    from registrar.views.billing.resources import blp as billing
    from registrar.views.classes.resources import blp as classes
    from registrar.views.documents.resources import blp as documents
    from registrar.views.feature_flags.resources import blp as feature_flags
    from registrar.views.placements.resources import blp as placements
    from registrar.views.public_registrations.resources import blp as public_registrations
    from registrar.views.reports import blp as reports
    from registrar.views.self_registrations.resources import blp as self_registrations
    from registrar.views.students.resources import blp as students

    return [
        auth,
        public_registrations,
        self_registrations,
        feature_flags,
        classes,
        placements,
        billing,
        students,
        documents,
        reports,
    ]


def _page_blueprints():
    """HTML pages (outside the OpenAPI document)."""
    from registrar.pages.autopay import blp as autopay
    from registrar.pages.family_form import blp as family_form
    from registrar.pages.sign_in import blp as sign_in
    from registrar.pages.workspace import blp as workspace
    from registrar.pages.workspace_actions import blp as workspace_actions

    return [
        autopay,
        sign_in,
        workspace,
        workspace_actions,
        family_form,
    ]
