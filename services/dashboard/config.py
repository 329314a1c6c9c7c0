"""The dashboard's own knobs, read once from the environment into one typed object.

Each field may be set with EDQUILL_DASHBOARD_<FIELD NAME IN CAPITALS>, e.g.
EDQUILL_DASHBOARD_REMOTE_BUDGET_SECONDS=0.5. A bad value stops the process at start with the
variable's name.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Mapping
from urllib.parse import urlsplit

from dashboard.domain.rail import Targets
from shared.config_error import ConfigError
from shared.knobs import knobs_from_env


@dataclass(frozen=True)
class DashboardConfig:
    # -- figures from other services (KPI, notifier) ----------------------------------------
    # Longest a request waits for the KPI service and the notifier together: a slow service
    # costs the page this much at most, and the page is then served with older figures.
    remote_budget_seconds: float = 0.3
    # An answer younger than this is served without asking again: a page's refreshes and the
    # API's bursts cost one call, and the figures move little in half a minute.
    fresh_seconds: float = 30.0
    # An older answer is still shown (marked stale) while the service is down, for this long;
    # after that the figures show as unavailable rather than hours old.
    keep_stale_seconds: float = 6 * 3600.0
    # A call that outlived the request's budget goes on in the background (its answer fills the
    # cache for the next request) until this socket timeout ends it.
    remote_timeout_seconds: float = 5.0
    # Background calls at once per process: the KPI and notifier calls of a few pages.
    remote_threads: int = 8
    # Answers kept per process, least recently used forgotten first (schools x ranges).
    cache_entries: int = 2048
    # Held messages asked of the notifier per school: more than a rail can show.
    held_messages_limit: int = 50

    # -- the action rail --------------------------------------------------------------------
    # Defaults for a school that chose nothing: two days is a common promise to families; a
    # needs_info request gets the notifier's reminder wait (72 h); an approval should turn into
    # an enrolment within a week.
    lead_wait_hours: int = 48
    needs_info_wait_hours: int = 72
    approved_wait_hours: int = 168
    # An invoice whose event states no due date is due this many days after issue.
    invoice_due_days: int = 14
    # Items listed per kind (the count says how many there are in all): a rail, not a report.
    rail_items_per_kind: int = 10

    # -- links ------------------------------------------------------------------------------
    # Where browsers reach the registrar workspace and its /login when the dashboard is reached
    # on its own port ("" = EDQUILL_PUBLIC_URL; EDQUILL_REGISTRAR_URL is for service calls and
    # never shown). Behind the gateway links stay relative, on the public origin.
    workspace_url: str = ""

    def default_targets(self) -> Targets:
        return Targets(self.lead_wait_hours, self.needs_info_wait_hours, self.approved_wait_hours)

    def validate(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, (int, float)) and value <= 0:
                raise ConfigError(f"{_variable(item.name)} must be positive, got {value}")
        if self.workspace_url and urlsplit(self.workspace_url).scheme not in ("http", "https"):
            raise ConfigError(
                f"{_variable('workspace_url')} must start with http:// or "
                f"https://, got {self.workspace_url!r}"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "DashboardConfig":
        return knobs_from_env(cls, "EDQUILL_DASHBOARD_", environ)


def _variable(field_name: str) -> str:
    return f"EDQUILL_DASHBOARD_{field_name.upper()}"
