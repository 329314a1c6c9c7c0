"""Composition root of the dashboard worker process: settings in, a ready consumer out."""

from __future__ import annotations

from dashboard.config import DashboardConfig
from dashboard.entrypoints.consumer import DashboardConsumer
from shared.config import Settings


def bootstrap(settings: Settings, config: DashboardConfig | None = None) -> DashboardConsumer:
    return DashboardConsumer(settings, config or DashboardConfig.from_env())
