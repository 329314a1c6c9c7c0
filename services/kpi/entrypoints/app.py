"""Composition root of the KPI HTTP service: `create_app(settings)` (`edquill serve kpi`)."""

from __future__ import annotations

import logging

import pymysql
from flask import Flask, request

from kpi.adapters import service_gauges
from shared.config import Settings
from shared.remote_access import install_verifier
from shared.remote_auth import RemoteTokenVerifier
from shared.request_db import install_read_replica
from shared.web import create_api, operations_blueprint, release_request_db, request_db


def create_app(settings: Settings | None = None, test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    settings = settings or Settings.from_env()
    app.config["EDQUILL_SETTINGS"] = settings
    app.config.update(test_config or {})
    api = create_api(app, "EdQuill KPI")
    app.register_blueprint(operations_blueprint("kpi"))
    app.teardown_request(release_request_db)
    install_read_replica(app, "kpi")
    app.before_request(_refresh_gauges_before_a_scrape)
    install_verifier(app, RemoteTokenVerifier(settings.registrar_url))
    from kpi.entrypoints.views.figures.resources import blp as figures

    api.register_blueprint(figures)
    return app


log = logging.getLogger(__name__)


def _refresh_gauges_before_a_scrape() -> None:
    if request.endpoint != "operations.metrics":
        return
    try:
        service_gauges.refresh(request_db("kpi"))
    except pymysql.err.Error as exc:
        # The scrape still answers (with the last values); /healthz reports the database.
        log.warning("kpi gauges not refreshed: %s", exc)
