"""What one dashboard shows, put together: the tiles, the trends and the action rail of a school
for a period. Used by the API and the page alike.

The KPI service's figures (one call: the period, the period before and the daily trend) and
the notifier's held messages are asked for first and collected last, within the budget, so
they overlap the dashboard's own queries. What did not come in time is served from the last
answer or left empty, and named in `stale`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dashboard.adapters import invoice_store, registration_store, school_store, seat_offer_store
from dashboard.adapters.answer_cache import AnswerCache
from dashboard.adapters.kpi_client import KpiClient, KpiOverview, TrendDay
from dashboard.adapters.notifier_client import HeldMessage, NotifierClient
from dashboard.config import DashboardConfig
from dashboard.domain import rail
from dashboard.domain.periods import Selection
from dashboard.domain.rail import RailItem, RailKind, Targets
from dashboard.domain.tiles import KPI_TILE_KEYS, Tile, build_tiles
from dashboard.metrics import count_answers
from shared.read_replica import lag_tolerant
from shared.registration_status import Status
from shared.remote_auth import RemotePrincipal

# Statuses behind the status tiles: awaiting the school's decision, and awaiting the family.
PENDING_REVIEW = (Status.PENDING, Status.IN_REVIEW)
WAITING_ON_FAMILY = (Status.NEEDS_INFO,)
# The figures of other services a dashboard may show stale, besides the KPI tiles.
TRENDS, HELD_MESSAGES = "trends", "held_messages"


@dataclass(frozen=True)
class RemoteSources:
    """The other services' answers, through one cache per process."""

    cache: AnswerCache
    kpi: KpiClient
    notifier: NotifierClient


@dataclass(frozen=True)
class Overview:
    school_id: int
    school_name: str | None
    timezone: str
    currency: str
    selection: Selection
    tiles: list[Tile]
    trend: list[TrendDay] | None
    rail: list[RailItem]
    rail_counts: dict[RailKind, int]
    targets: Targets
    targets_customised: bool
    # Figures that could not be had fresh: tile keys, "trends", "held_messages".
    stale: list[str]
    # When the oldest figure shown was fetched, when some are stale; else None.
    figures_as_of: datetime | None
    generated_at: datetime


# Folded from events and beside figures fetched from other services: a few seconds behind is
# what a dashboard shows anyway, so a read replica may serve it.
@lag_tolerant
def build_overview(
    connection,
    sources: RemoteSources,
    config: DashboardConfig,
    principal: RemotePrincipal,
    token: str,
    selection: Selection,
    now: datetime,
) -> Overview:
    asking = sources.cache.ask(_remote_asks(sources, config, principal.school_id, token, selection))
    school_id = principal.school_id
    with connection.cursor() as cursor:
        targets, customised = school_store.targets(cursor, school_id, config.default_targets())
        name = school_store.school_name(cursor, school_id)
        counts = registration_store.counts_at(
            cursor,
            school_id,
            PENDING_REVIEW + WAITING_ON_FAMILY,
            [selection.period.last, selection.previous.last],
        )
        items, rail_counts = _rail_from_tables(
            cursor, school_id, now, targets, config.rail_items_per_kind
        )
        fetched = asking.answers(config.remote_budget_seconds)
        count_answers(fetched)
        held = fetched["held"]
        if held.value is not None:
            items += _held_items(cursor, school_id, held.value)
            rail_counts[RailKind.MESSAGE_HELD] = len(held.value)
    kpi = fetched["kpi"]
    figures: KpiOverview | None = kpi.value
    stale = [
        *((*KPI_TILE_KEYS, TRENDS) if kpi.stale else ()),
        *((HELD_MESSAGES,) if held.stale else ()),
    ]
    tiles = build_tiles(
        {**(figures.figures if figures else {}), **_status_figures(counts[selection.period.last])},
        {
            **(figures.previous_figures if figures else {}),
            **_status_figures(counts[selection.previous.last]),
        },
        set(KPI_TILE_KEYS) if kpi.stale else set(),
        principal.currency,
    )
    return Overview(
        school_id=school_id,
        school_name=name,
        timezone=principal.timezone,
        currency=principal.currency,
        selection=selection,
        tiles=tiles,
        trend=figures.trend if figures else None,
        rail=rail.trimmed(items, config.rail_items_per_kind),
        rail_counts=rail_counts,
        targets=targets,
        targets_customised=customised,
        stale=stale,
        figures_as_of=_oldest_stale(fetched.values()),
        generated_at=now,
    )


def _remote_asks(
    sources: RemoteSources,
    config: DashboardConfig,
    school_id: int,
    token: str,
    selection: Selection,
) -> dict:
    period = selection.period
    return {
        "kpi": (("kpi-overview", school_id, period), lambda: sources.kpi.overview(token, period)),
        "held": (
            ("held-messages", school_id),
            lambda: sources.notifier.held_messages(token, config.held_messages_limit),
        ),
    }


def _rail_from_tables(
    cursor, school_id: int, now: datetime, targets: Targets, per_kind: int
) -> tuple[list[RailItem], dict[RailKind, int]]:
    """The oldest `per_kind` of each status rule and of overdue invoices (two statuses make
    the lead rule: the caller trims it), and how many of each kind there are."""
    items: list[RailItem] = []
    counts = {kind: 0 for kind in rail.RAIL_ORDER}
    waiting = registration_store.waiting_in_statuses(
        cursor, school_id, rail.status_cutoffs(now, targets), per_kind
    )
    for status, (rows, total) in waiting.items():
        kind = rail.kind_of_status(status)
        counts[kind] += total
        items += [
            RailItem(
                kind,
                row["registration_id"],
                rail.status_title(status, row["registration_id"], row["student_name"]),
                row["status_since"],
            )
            for row in rows
        ]
    rows, counts[RailKind.INVOICE_OVERDUE] = invoice_store.overdue(cursor, school_id, now, per_kind)
    items += [
        RailItem(
            RailKind.INVOICE_OVERDUE,
            row["registration_id"],
            rail.invoice_title(row["registration_id"], row["student_name"], row["number"]),
            row["due_at"],
        )
        for row in rows
    ]
    rows, counts[RailKind.SEAT_OFFER_WAITING] = seat_offer_store.waiting_on_families(
        cursor, school_id, per_kind
    )
    items += [
        RailItem(
            RailKind.SEAT_OFFER_WAITING,
            row["registration_id"],
            rail.seat_offer_title(row["registration_id"], row["student_name"]),
            row["offered_at"],
        )
        for row in rows
    ]
    return items, counts


def _held_items(cursor, school_id: int, messages: list[HeldMessage]) -> list[RailItem]:
    """Rail items of the notifier's held messages, with the students' names."""
    names = registration_store.names_of(
        cursor, school_id, [message.registration_id for message in messages]
    )
    return [
        RailItem(
            RailKind.MESSAGE_HELD,
            message.registration_id,
            rail.held_message_title(
                message.registration_id, names.get(message.registration_id), message.template_key
            ),
            message.created_at,
        )
        for message in messages
    ]


def _status_figures(counts: dict[str, int]) -> dict[str, int]:
    return {
        "pending_review": sum(counts[status] for status in PENDING_REVIEW),
        "waiting_on_family": sum(counts[status] for status in WAITING_ON_FAMILY),
    }


def _oldest_stale(answers) -> datetime | None:
    times = [
        answer.fetched_at for answer in answers if answer.stale and answer.fetched_at is not None
    ]
    return min(times) if times else None
