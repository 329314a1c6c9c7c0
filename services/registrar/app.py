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
    return app


def _api_blueprints():
    """Each resource's blueprint; the list grows as resources land."""
    return []
