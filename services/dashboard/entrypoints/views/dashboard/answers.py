"""An overview as the API shows it (see views/schemas.py)."""

from __future__ import annotations

from dataclasses import asdict

from dashboard.entrypoints.links import Links
from dashboard.service_layer.overview import Overview


def overview_answer(overview: Overview, links: Links) -> dict:
    selection = overview.selection
    return {
        "school": {
            "id": overview.school_id,
            "name": overview.school_name,
            "timezone": overview.timezone,
            "currency": overview.currency,
        },
        "range": {
            "key": selection.preset,
            "first": selection.period.first,
            "last": selection.period.last,
            "days": selection.period.length,
            "timezone": overview.timezone,
            "previous": {"first": selection.previous.first, "last": selection.previous.last},
        },
        "tiles": [asdict(tile) for tile in overview.tiles],
        "trends": {
            "days": None
            if overview.trend is None
            else [
                {"day": day.day, "leads": day.leads, "enrollments": day.enrollments}
                for day in overview.trend
            ],
            "stale": "trends" in overview.stale,
        },
        "action_rail": [
            {
                "kind": item.kind.value,
                "registration_id": item.registration_id,
                "title": item.title,
                "since": item.since,
                "href": links.registration(item.registration_id),
            }
            for item in overview.rail
        ],
        "action_counts": {kind.value: count for kind, count in overview.rail_counts.items()},
        "targets": asdict(overview.targets),
        "stale": overview.stale,
        "figures_as_of": overview.figures_as_of,
        "generated_at": overview.generated_at,
    }
