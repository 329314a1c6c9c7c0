"""Where the dashboard's links and redirects point: the registrar workspace (a registration's
detail, /login, /logout) and the registrar's other staff pages (staff, audit trail).

Behind the gateway every service shares one origin (EDQUILL_PUBLIC_URL's), so links are
paths. With the dashboard reached on its own port (no gateway), they point at the workspace's
public base URL, and the way back after signing in is the dashboard's absolute URL as the
browser reached it (the session cookie is shared across the ports of one host). Never at an
EDQUILL_*_URL: those are for one service calling another. The gateway announces itself with
X-Forwarded-Host.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

DASHBOARD_PATH = "/admin/dashboard"


@dataclass(frozen=True)
class Links:
    # "" behind the gateway, else the workspace's base URL, e.g. http://127.0.0.1:8001
    workspace_base: str
    # This dashboard's own base URL as the browser reached it, e.g. http://127.0.0.1:8002
    dashboard_base: str

    @classmethod
    def for_request(cls, behind_gateway: bool, workspace_url: str, host_url: str) -> "Links":
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

    def staff(self) -> str:
        """The registrar's staff page (its admins': accounts and tokens)."""
        return f"{self.workspace_base}/admin/staff"

    def audit(self) -> str:
        """The registrar's audit trail."""
        return f"{self.workspace_base}/admin/audit"

    def sign_in(self, back_to: str = DASHBOARD_PATH) -> str:
        """/login, coming back to `back_to` (a path of the dashboard) afterwards."""
        return f"{self.workspace_base}/login?{urlencode({'next': self.dashboard_base + back_to})}"

    def sign_out(self) -> str:
        return f"{self.workspace_base}/logout"
