"""Composition root of the KPI worker process: settings in, a ready consumer out."""

from __future__ import annotations

from kpi.entrypoints.consumer import KpiConsumer
from shared.config import Settings


def bootstrap(settings: Settings) -> KpiConsumer:
    return KpiConsumer(settings)
