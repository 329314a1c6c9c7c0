"""Inviting a colleague: an admin names an address and a role (the staff page, POST
/api/admin/staff/invitations), the notifier e-mails the address a signed link, and the
colleague sets a password on the page it opens, which makes the account.

Inviting writes the invitation, closes the address's earlier open one as replaced (only the
newest link works), records the audit entry and enqueues `staff.invited` in one transaction.
The event carries ids, the address, the role and the expiry, never the link: the notifier
signs it when it sends the e-mail (shared.staff_invitation_links). Accepting checks the link
and then, under a lock on the invitation, that it is still open and its address's newest;
the account, the spent invitation and the audit entry commit together, so a link works once.
"""

from __future__ import annotations

from datetime import datetime

import pymysql

from registrar.adapters import audit_store, invitations_store, outbox_store, users_store
from registrar.adapters.users_store import (
    InvalidAccount,
    User,
    check_email,
    check_password,
    check_role,
)
from registrar.domain.staff_invitations import (
    InvitationState,
    check_acceptable,
    invitation_expiry,
)
from registrar.service_layer.accounts import EmailTaken
from shared.db import transaction
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events import STAFF_INVITATION, Event, EventType
from shared.family_links import InvalidLink, utc
from shared.signing import KeyRing
from shared.staff_invitation_links import InvitationLink, read_invitation_link


class InvitationNotOpen(Conflict):
    code = "invitation_closed"

    def __init__(self, state: str):
        super().__init__(f"the invitation is {state} already")


def invite(connection, school_id: int, email: str, role: str, actor: str, now: datetime) -> dict:
    """A new invitation (id, email, role, expires_at); raises InvalidInput, or EmailTaken
    when the address has an account already (in this school or another)."""
    _check_field("email", check_email, email)
    _check_field("role", check_role, role)
    address = users_store.normalise_email(email)
    moment, expires_at = _db_time(now), _db_time(invitation_expiry(now))
    with transaction(connection) as cursor:
        earlier = invitations_store.lock_open_for_address(cursor, school_id, address)
        if users_store.address_has_account(cursor, address):
            raise EmailTaken(address)
        invitations_store.end(cursor, school_id, earlier, InvitationState.REPLACED, moment)
        invitation_id = invitations_store.insert(
            cursor, school_id, address, role, actor, moment, expires_at
        )
        _audit(cursor, school_id, actor, "staff_invited", invitation_id, None, role)
        outbox_store.enqueue(
            cursor, _invited_event(school_id, invitation_id, address, role, actor, expires_at)
        )
    return {"id": invitation_id, "email": address, "role": role, "expires_at": expires_at}


def cancel(connection, school_id: int, invitation_id: int, actor: str, now: datetime) -> None:
    """Close an open invitation: its link stops working. NotFound for another school's."""
    with transaction(connection) as cursor:
        row = invitations_store.invitation(cursor, school_id, invitation_id, lock=True)
        if row is None:
            raise NotFound("staff invitation")
        if row["state"] != InvitationState.OPEN:
            raise InvitationNotOpen(row["state"])
        invitations_store.end(
            cursor, school_id, [invitation_id], InvitationState.CANCELLED, _db_time(now)
        )
        _audit(cursor, school_id, actor, "invitation_cancelled", invitation_id, "open", "cancelled")


def open_invitation(connection, keys: KeyRing, token: str, now: datetime) -> dict:
    """The invitation a link opens (email, role, expires_at...); raises InvalidLink,
    ExpiredLink or InvitationClosed."""
    link = read_invitation_link(keys, token, now)
    with connection.cursor() as cursor:
        row = _linked(cursor, link)
    check_acceptable(row["state"], row["newest"], row["expires_at"], now)
    return row


def accept(connection, keys: KeyRing, token: str, now: datetime, password: str) -> User:
    """Make the invited account with this password and spend the invitation; raises
    InvalidLink, ExpiredLink, InvitationClosed, InvalidAccount (the password), or EmailTaken
    (an account with the address was made meanwhile)."""
    link = read_invitation_link(keys, token, now)
    check_password(password)
    try:
        with transaction(connection) as cursor:
            row = _linked(cursor, link, lock=True)
            check_acceptable(row["state"], row["newest"], row["expires_at"], now)
            user_id = users_store.create_user(
                connection, link.school_id, row["email"], row["role"], password
            )
            invitations_store.mark_accepted(
                cursor, link.school_id, row["id"], user_id, _db_time(now)
            )
            audit_store.record(
                cursor,
                school_id=link.school_id,
                actor=row["email"],
                action="invitation_accepted",
                entity_type="user",
                entity_id=user_id,
                new_value=row["role"],
                reason=f"invited by {row['invited_by']}",
            )
    except pymysql.err.IntegrityError:
        raise EmailTaken(row["email"]) from None
    return User(user_id, link.school_id, row["email"], row["role"])


def _check_field(name: str, check, value: str) -> None:
    try:
        check(value)
    except InvalidAccount as exc:
        raise InvalidInput.of_field(name, str(exc)) from None


def _linked(cursor, link: InvitationLink, *, lock: bool = False) -> dict:
    # The link must name a row of its school with the very expiry it was signed with: a link
    # made for another database (a restore, another install's key) opens nothing.
    row = invitations_store.invitation(cursor, link.school_id, link.invitation_id, lock=lock)
    if row is None or utc(row["expires_at"]).replace(microsecond=0) != link.expires_at:
        raise InvalidLink("this link is not valid")
    return row


def _invited_event(
    school_id: int, invitation_id: int, email: str, role: str, actor: str, expires_at: datetime
) -> Event:
    return Event.new(
        EventType.STAFF_INVITED,
        school_id,
        invitation_id,
        {
            "invitation_id": invitation_id,
            "email": email,
            "role": role,
            "expires_at": utc(expires_at),
            "invited_by": actor,
        },
        aggregate_type=STAFF_INVITATION,
    )


def _db_time(moment: datetime) -> datetime:
    """A DATETIME(6) value: UTC, naive (as MySQL gives it back)."""
    return utc(moment).replace(tzinfo=None)


def _audit(cursor, school_id, actor, action, invitation_id, old_value, new_value) -> None:
    audit_store.record(
        cursor,
        school_id=school_id,
        actor=actor,
        action=action,
        entity_type="staff_invitation",
        entity_id=invitation_id,
        old_value=old_value,
        new_value=new_value,
    )
