"""What a dashboard request needs from its app, gathered in one place for the views: the
overview's sources, the school's today, and where links point for this request."""

from __future__ import annotations

from datetime import date, datetime, timezone

from flask import current_app, request

from dashboard.config import DashboardConfig
from dashboard.domain.periods import Selection
from dashboard.entrypoints.access import Caller
from dashboard.entrypoints.links import Links
from dashboard.service_layer.overview import Overview, build_overview
from shared.config import Settings
from shared.local_days import UnknownTimeZone, local_day, zone
from shared.web import lag_tolerant_read

SOURCES_EXTENSION = "dashboard_sources"
CONFIG_EXTENSION = "dashboard_config"
CLOCK_EXTENSION = "dashboard_clock"


def config() -> DashboardConfig:
    return current_app.extensions[CONFIG_EXTENSION]


def now() -> datetime:
    return current_app.extensions[CLOCK_EXTENSION]()


def school_today(caller: Caller, moment: datetime) -> date:
    """The school's calendar day at `moment` (UTC when its time zone is unknown here)."""
    try:
        return local_day(moment, zone(caller.principal.timezone))
    except UnknownTimeZone:
        return moment.astimezone(timezone.utc).date()


def overview_for(caller: Caller, selection: Selection, moment: datetime) -> Overview:
    return lag_tolerant_read(
        "dashboard",
        build_overview,
        current_app.extensions[SOURCES_EXTENSION],
        config(),
        caller.principal,
        caller.token,
        selection,
        moment,
    )


def links() -> Links:
    settings: Settings = current_app.config["EDQUILL_SETTINGS"]
    return Links.for_request(
        "X-Forwarded-Host" in request.headers,
        config().workspace_url or settings.public_url,
        request.host_url,
    )
