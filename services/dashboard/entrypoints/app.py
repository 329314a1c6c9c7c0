"""Composition root of the dashboard's HTTP side: `create_app(settings)` (`edquill serve
dashboard`): the JSON API, the page, and the clients of the registrar (tokens), the KPI service
(figures) and the notifier (held messages). Nothing connects until a request needs it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from flask import Flask

from dashboard.adapters.answer_cache import AnswerCache
from dashboard.adapters.kpi_client import KpiClient
from dashboard.adapters.notifier_client import NotifierClient
from dashboard.config import DashboardConfig
from dashboard.entrypoints import request_context
from dashboard.service_layer.overview import RemoteSources
from shared.config import Settings
from shared.remote_access import install_verifier
from shared.remote_auth import RemoteTokenVerifier
from shared.request_db import install_read_replica
from shared.web import create_api, operations_blueprint, release_request_db


def create_app(settings: Settings | None = None, test_config: dict | None = None) -> Flask:
    # No /static route: the page's styles are inline, and the gateway routes only
    # /admin/dashboard... and /api/dashboard here.
    app = Flask(__name__, static_folder=None)
    settings = settings or Settings.from_env()
    app.config["EDQUILL_SETTINGS"] = settings
    app.config.update(test_config or {})
    config = app.config.get("DASHBOARD_CONFIG") or DashboardConfig.from_env()
    app.extensions.update(
        {
            request_context.CONFIG_EXTENSION: config,
            request_context.SOURCES_EXTENSION: _remote_sources(settings, config),
            request_context.CLOCK_EXTENSION: app.config.get("DASHBOARD_CLOCK")
            or (lambda: datetime.now(timezone.utc)),
        }
    )
    install_verifier(app, RemoteTokenVerifier(settings.registrar_url))
    api = create_api(app, "EdQuill dashboard")
    app.register_blueprint(operations_blueprint("dashboard"))
    app.teardown_request(release_request_db)
    install_read_replica(app, "dashboard")
    from dashboard.entrypoints.pages.dashboard_page import blp as dashboard_page
    from dashboard.entrypoints.views.dashboard.resources import blp as dashboard_api

    api.register_blueprint(dashboard_api)
    app.register_blueprint(dashboard_page)
    return app


def _remote_sources(settings: Settings, config: DashboardConfig) -> RemoteSources:
    executor = ThreadPoolExecutor(
        max_workers=config.remote_threads, thread_name_prefix="dashboard-remote"
    )
    cache = AnswerCache(
        executor,
        fresh_seconds=config.fresh_seconds,
        keep_stale_seconds=config.keep_stale_seconds,
        max_entries=config.cache_entries,
    )
    return RemoteSources(
        cache,
        KpiClient(settings.kpi_url, config.remote_timeout_seconds),
        NotifierClient(settings.notifier_url, config.remote_timeout_seconds),
    )
