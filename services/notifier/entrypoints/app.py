"""Composition root of the notifier's HTTP side: `create_app(settings)`.

The message log for the registrar's History tab, each school's templates and notice
settings, the admins' /admin/messages page, and the families' unsubscribe pages. Tokens and
staff sessions are checked by the registrar.
"""

from __future__ import annotations

from flask import Flask

from notifier.adapters.catalogs import TRANSLATIONS
from notifier.adapters.clock import system_clock
from notifier.adapters.template_store import TemplateStore
from notifier.config import NotifierConfig
from notifier.domain.rendering import Renderer
from shared.config import Settings
from shared.page_language import install_page_languages
from shared.remote_access import install_verifier
from shared.remote_auth import RemoteTokenVerifier
from shared.web import create_api, operations_blueprint, release_request_db


def create_app(settings: Settings | None = None, test_config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder="pages/templates")
    settings = settings or Settings.from_env()
    app.config["EDQUILL_SETTINGS"] = settings
    app.config.update(test_config or {})
    app.extensions.update(
        notifier_config=app.config.get("NOTIFIER_CONFIG") or NotifierConfig.from_env(),
        notifier_templates=TemplateStore(),
        notifier_renderer=Renderer(),
        notifier_clock=app.config.get("NOTIFIER_CLOCK") or system_clock,
    )
    install_verifier(
        app, app.config.get("NOTIFIER_TOKEN_CHECK") or RemoteTokenVerifier(settings.registrar_url)
    )
    install_page_languages(app, TRANSLATIONS)
    api = create_api(app, "EdQuill notifier")
    app.register_blueprint(operations_blueprint("notifier"))
    app.teardown_request(release_request_db)
    for blueprint in _api_blueprints():
        api.register_blueprint(blueprint)
    from notifier.entrypoints.pages.messages_forms import blp as messages_forms
    from notifier.entrypoints.pages.messages_page import blp as messages_page
    from notifier.entrypoints.pages.resubscribe import blp as resubscribe
    from notifier.entrypoints.pages.unsubscribe import blp as unsubscribe

    app.register_blueprint(unsubscribe)
    app.register_blueprint(resubscribe)
    app.register_blueprint(messages_page)
    app.register_blueprint(messages_forms)
    return app


def _api_blueprints():
    from notifier.entrypoints.views.message_templates.resources import blp as message_templates
    from notifier.entrypoints.views.messages.resources import blp as messages
    from notifier.entrypoints.views.settings.resources import blp as notice_settings

    return [messages, message_templates, notice_settings]
