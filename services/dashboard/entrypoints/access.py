"""Who is asking: the API's `Accesstoken` header (shared.remote_access guards the views), or
the page's session cookie (shared.staff_pages: the same token, put there by the registrar's
/login), both vouched for by the registrar. The dashboard also needs the token itself: it asks
the KPI service and the notifier with it, so each answers for the caller's school only.
"""

from __future__ import annotations

from flask import request

from shared.remote_access import current_principal
from shared.staff_pages import Caller, session_caller

__all__ = ["Caller", "api_caller", "session_caller"]


def api_caller() -> Caller:
    """The caller of an API view guarded by shared.remote_access.requires."""
    return Caller(current_principal(), request.headers["Accesstoken"].strip())
