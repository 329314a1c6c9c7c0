"""/admin/staff: the school's admins run its staff from here: accounts with role and last
sign-in, a colleague invited by e-mail (the main way in: they set their own password from the
link) and the open invitations, cancelled if need be, an account added with a typed first
password, a role changed, an account disabled or enabled, API tokens issued
(shown once, on the answer to the post), listed and revoked. Every form is the API's own use
case (registrar.service_layer.accounts, staff_invitations, api_tokens) behind the session
cookie and CSRF token.

Success redirects back with a confirmation (post/redirect/get); a refusal renders the page
again with the reason in words and what was typed kept (never a password).
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request

from registrar.adapters import invitations_store, staff_store
from registrar.adapters.users_store import InvalidAccount, actor_for
from registrar.entrypoints.invitation_clock import invitation_now
from registrar.entrypoints.pages import wording
from registrar.entrypoints.pages.page_responses import html_page, message_page
from registrar.entrypoints.pages.page_roles import page_for
from registrar.entrypoints.pages.posted_form import validated
from registrar.entrypoints.pages.staff_session import staff_session
from registrar.entrypoints.pages.workspace import dashboard_url
from registrar.entrypoints.views.staff.schemas import NewStaffMemberSchema, NewTokenSchema
from registrar.entrypoints.views.staff_invitations.schemas import NewInvitationSchema
from registrar.service_layer import accounts, api_tokens, staff_invitations
from shared.errors import DomainError, NotFound
from shared.family_links import utc
from shared.roles import ADMIN, ROLES
from shared.web import domain_error_status, request_db

STAFF = "/admin/staff"
DONE = {
    "invited": "The invitation was sent: its link works once, for three days. Inviting the "
    "same address again replaces it.",
    "cancelled": "The invitation was cancelled: its link no longer works.",
    "added": "The account was added: its owner can sign in now.",
    "role": "The role was changed; it applies from the account's next page.",
    "disabled": "The account was disabled: its open sessions and tokens have stopped.",
    "enabled": "The account was enabled: its owner can sign in again.",
    "revoked": "The token was revoked: it is refused from its next request.",
}

blp = Blueprint("staff_pages", __name__, template_folder="templates")


@blp.get(STAFF)
@page_for(ADMIN)
def staff_page():
    done = DONE.get(request.args.get("done", ""))
    return render_staff(notice={"kind": "success", "text": done} if done else None)


@blp.post(STAFF)
@page_for(ADMIN)
def add_account():
    try:
        new = validated(NewStaffMemberSchema(), _typed("email", "role", "password"))
        accounts.add_account(
            _db(), _school_id(), new["email"], new["role"], new["password"], _actor()
        )
    except (DomainError, InvalidAccount) as exc:
        return _refused(exc, form_state=_typed("email", "role"))
    return redirect(f"{STAFF}?done=added", code=303)


@blp.post(f"{STAFF}/invitations")
@page_for(ADMIN)
def invite():
    try:
        new = validated(NewInvitationSchema(), _typed("email", "role"))
        staff_invitations.invite(
            _db(), _school_id(), new["email"], new["role"], _actor(), invitation_now()
        )
    except DomainError as exc:
        return _refused(exc, invite_form=_typed("email", "role"))
    return redirect(f"{STAFF}?done=invited", code=303)


@blp.post(f"{STAFF}/invitations/<int:invitation_id>/cancel")
@page_for(ADMIN)
def cancel_invitation(invitation_id: int):
    try:
        staff_invitations.cancel(_db(), _school_id(), invitation_id, _actor(), invitation_now())
    except DomainError as exc:
        return _refused(exc)
    return redirect(f"{STAFF}?done=cancelled", code=303)


@blp.post(f"{STAFF}/<int:user_id>/role")
@page_for(ADMIN)
def change_role(user_id: int):
    role = request.form.get("role", "")
    try:
        if role not in ROLES:
            raise InvalidAccount(f"role must be one of {', '.join(ROLES)}")
        accounts.set_role(_db(), _school_id(), user_id, role, _actor())
    except (DomainError, InvalidAccount) as exc:
        return _refused(exc)
    return redirect(f"{STAFF}?done=role", code=303)


@blp.post(f"{STAFF}/<int:user_id>/disabled")
@page_for(ADMIN)
def change_disabled(user_id: int):
    disable = request.form.get("disabled") == "yes"
    try:
        if disable:
            accounts.disable_user(_db(), _school_id(), user_id, _actor())
        else:
            accounts.enable_user(_db(), _school_id(), user_id, _actor())
    except DomainError as exc:
        return _refused(exc)
    return redirect(f"{STAFF}?done={'disabled' if disable else 'enabled'}", code=303)


@blp.post(f"{STAFF}/tokens")
@page_for(ADMIN)
def issue_token():
    form = _typed("role", "label", "ttl_days")
    try:
        new = validated(NewTokenSchema(), {k: v for k, v in form.items() if v != ""})
        issued = api_tokens.issue(
            _db(), _school_id(), new["role"], _actor(), label=new["label"], ttl_days=new["ttl_days"]
        )
    except DomainError as exc:
        return _refused(exc, token_form=form)
    # Shown on this answer only (never in a URL): the page is not cached (html_page).
    return render_staff(issued=issued)


@blp.post(f"{STAFF}/tokens/<int:token_id>/revoke")
@page_for(ADMIN)
def revoke_token(token_id: int):
    try:
        api_tokens.revoke(_db(), _school_id(), token_id, _actor())
    except DomainError as exc:
        return _refused(exc)
    return redirect(f"{STAFF}?done=revoked", code=303)


def render_staff(
    *, notice=None, form_state=None, invite_form=None, token_form=None, issued=None, status=200
):
    session = staff_session()
    body = render_template(
        "staff/page.html",
        session=session,
        current="staff",
        dashboard_url=dashboard_url(),
        clock=wording.SchoolClock(session.school.timezone),
        staff=staff_store.school_staff(_db(), _school_id()),
        invitations=_open_invitations(),
        tokens=api_tokens.listed(_db(), _school_id()),
        roles=ROLES,
        notice=notice,
        form_state=form_state or {},
        invite_form=invite_form or {},
        token_form=token_form or {},
        issued=issued,
    )
    return html_page(body, status)


def _refused(error: Exception, **kept):
    if isinstance(error, NotFound):
        return message_page(
            404,
            "Not found",
            "There is no such account, invitation or token in your school.",
            link=(STAFF, "Back to the staff"),
        )
    if isinstance(error, DomainError):
        problems = wording.field_errors(error.details)
        text = " ".join(
            f"{name.replace('_', ' ').capitalize()}: {message}"
            for name, message in problems.items()
        ) or wording.sentence(error.message)
        status = domain_error_status(error)
    else:  # InvalidAccount: input an account cannot have
        text, status = wording.sentence(str(error)), 422
    return render_staff(notice={"kind": "error", "text": text}, status=status, **kept)


def _open_invitations() -> list[dict]:
    now = invitation_now()
    return [
        {**row, "expired": utc(row["expires_at"]) <= now}
        for row in invitations_store.open_invitations(_db(), _school_id())
    ]


def _typed(*names: str) -> dict:
    return {name: request.form.get(name, "").strip() for name in names}


def _db():
    return request_db("registrar")


def _school_id() -> int:
    return staff_session().principal.school_id


def _actor() -> str:
    return actor_for(_db(), staff_session().principal)
