"""Who is signed in to the staff pages: the session cookie (shared.sessions) resolved to the
token's principal, exactly as an Accesstoken header is, with the CSRF token bound to it.

A page reached without a valid session is sent to /login?next=<the page>; a fragment that
scripts fetch answers 401, and the script reloads the page (which then goes to /login).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from flask import current_app, g, redirect, request

from registrar.adapters import users_store
from registrar.adapters.schools_store import School, school_by_id
from registrar.adapters.tokens_store import Principal, principal_for
from shared.roles import ADMIN, REGISTRAR, role_at_least
from shared.sessions import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, csrf_token_for, csrf_valid
from shared.signing import KeyRing
from shared.web import request_db

# The least role that may change a registration (as in the API); a viewer looks.
LEAST_CHANGING_ROLE = REGISTRAR


@dataclass(frozen=True)
class StaffSession:
    token: str
    principal: Principal
    school: School
    email: str | None
    csrf_token: str

    @property
    def may_change(self) -> bool:
        return role_at_least(self.principal.role, LEAST_CHANGING_ROLE)

    @property
    def is_admin(self) -> bool:
        """Whether the staff page (accounts and tokens) is this person's to run."""
        return role_at_least(self.principal.role, ADMIN)


def staff_session() -> StaffSession | None:
    """This request's signed-in staff member, or None (no cookie, or a token that is unknown,
    expired or revoked)."""
    if "staff_session" not in g:
        g.staff_session = _resolve(request.cookies.get(SESSION_COOKIE, "").strip())
    return g.staff_session


def signed_in(fragment: bool = False):
    """Views for signed-in staff only; the view reads staff_session()."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if staff_session() is None:
                if fragment:
                    return "Your session has ended. Please sign in again.", 401
                return redirect(sign_in_url(_this_page()), code=303)
            return view(*args, **kwargs)

        return guarded

    return decorate


def csrf_checked(session: StaffSession) -> bool:
    presented = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    return csrf_valid(_keys(), session.token, presented)


def sign_in_url(next_page: str) -> str:
    return "/login?" + urlencode({"next": next_page})


def _resolve(token: str) -> StaffSession | None:
    if not token:
        return None
    connection = request_db("registrar")
    principal = principal_for(connection, token)
    if principal is None:
        return None
    school = school_by_id(connection, principal.school_id)
    account = users_store.account_of(connection, principal)
    return StaffSession(
        token, principal, school, account.email if account else None, csrf_token_for(_keys(), token)
    )


def _this_page() -> str:
    # A form post cannot be replayed after sign-in: come back to the workspace instead.
    if request.method != "GET":
        return "/admin/registrar"
    return request.full_path.rstrip("?")


def _keys() -> KeyRing:
    return KeyRing.of(current_app.config["EDQUILL_SETTINGS"])
