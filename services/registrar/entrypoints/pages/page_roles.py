"""The staff pages' server-side role checks: a page or form names the least role it needs,
and anyone signed in with less gets the 403 page (what they may do instead, in words).
Every form post is CSRF-checked first, as the workspace's are."""

from __future__ import annotations

from functools import wraps

from flask import request

from registrar.entrypoints.pages.page_responses import message_page
from registrar.entrypoints.pages.staff_session import csrf_checked, signed_in, staff_session
from shared.roles import role_at_least

WHAT_EACH_ROLE_DOES = (
    "A viewer sees and exports; a registrar also works registrations and classes; an admin "
    "also runs staff, messages and settings."
)


def page_for(least_role: str):
    """A signed-in page or form for `least_role` and up; a post must carry its CSRF token."""

    def decorate(view):
        @signed_in()
        @wraps(view)
        def guarded(*args, **kwargs):
            session = staff_session()
            if request.method == "POST" and not csrf_checked(session):
                return message_page(
                    403,
                    "This page had expired",
                    "Nothing was changed. Reload the page and try again.",
                    link=(request.path, "Reload the page"),
                )
            if not role_at_least(session.principal.role, least_role):
                return message_page(
                    403,
                    f"This page is for the {least_role} role",
                    f"You are signed in as a {session.principal.role}. {WHAT_EACH_ROLE_DOES}",
                    link=("/admin/registrar", "Back to the registrations"),
                )
            return view(*args, **kwargs)

        return guarded

    return decorate
