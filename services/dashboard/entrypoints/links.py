"""Where the dashboard's links and redirects point (shared.staff_links): the registrar
workspace, the other staff pages, and back to the dashboard after signing in."""

from __future__ import annotations

from shared.staff_links import StaffLinks

DASHBOARD_PATH = "/admin/dashboard"


class Links(StaffLinks):
    HOME = DASHBOARD_PATH
