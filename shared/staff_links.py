"""Where the links and redirects of a staff page served by a service other than the registrar
point: the registrar's workspace (a registration's detail, /login, /logout), the other staff
pages (dashboard, classes, staff, messages, settings, audit trail) and the registrar's stylesheet.

Behind the gateway every service shares one origin (EDQUILL_PUBLIC_URL's), so links are
paths. With the page reached on its service's own port (no gateway), they point at the
workspace's public base URL, and the way back after signing in is the page's absolute URL as
the browser reached it (the session cookie is shared across the ports of one host). Never at
an EDQUILL_*_URL: those are for one service calling another. The gateway announces itself
with X-Forwarded-Host. A service names its own page in HOME (a subclass).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

# The registrar's stylesheet, which the other services' staff pages share for one look.
WORKSPACE_STYLESHEET = "/admin/registrar/static/workspace.css"


@dataclass(frozen=True)
class StaffLinks:
    # "" behind the gateway, else the workspace's base URL, e.g. http://127.0.0.1:8001
    workspace_base: str
    # This page's own base URL as the browser reached it, e.g. http://127.0.0.1:8002
    own_base: str

    HOME = "/admin/registrar"

    @classmethod
    def for_request(cls, behind_gateway: bool, workspace_url: str, host_url: str):
        return cls(
            "" if behind_gateway else workspace_url.rstrip("/"),
            "" if behind_gateway else host_url.rstrip("/"),
        )

    def registration(self, registration_id: int) -> str:
        """The registration's detail panel in the registrar workspace."""
        query = urlencode({"registration": registration_id})
        return f"{self.workspace_base}/admin/registrar?{query}"

    def workspace(self) -> str:
        return f"{self.workspace_base}/admin/registrar"

    def dashboard(self) -> str:
        return f"{self.workspace_base}/admin/dashboard"

    def classes(self) -> str:
        """The registrar's classes page (teachers, classes, week grids)."""
        return f"{self.workspace_base}/admin/classes"

    def staff(self) -> str:
        """The registrar's staff page (its admins': accounts and tokens)."""
        return f"{self.workspace_base}/admin/staff"

    def messages(self) -> str:
        """The notifier's messages page (its admins': templates, the log, quiet hours)."""
        return f"{self.workspace_base}/admin/messages"

    def settings(self) -> str:
        """The registrar's settings page (its admins': the school and every service's settings)."""
        return f"{self.workspace_base}/admin/settings"

    def audit(self) -> str:
        """The registrar's audit trail."""
        return f"{self.workspace_base}/admin/audit"

    def stylesheet(self) -> str:
        return f"{self.workspace_base}{WORKSPACE_STYLESHEET}"

    def sign_in(self, back_to: str | None = None) -> str:
        """/login, coming back to `back_to` (a path of this page's service) afterwards."""
        next_page = self.own_base + (back_to or self.HOME)
        return f"{self.workspace_base}/login?{urlencode({'next': next_page})}"

    def sign_out(self) -> str:
        return f"{self.workspace_base}/logout"


def origin_of(url: str) -> str | None:
    """scheme://host[:port] of an absolute URL; None for a path."""
    if not url.startswith(("http://", "https://")):
        return None
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}"
