"""Staff invitation links (shared.staff_invitation_links) and the rules of an invitation
(registrar.domain.staff_invitations): a link names one invitation of one school, expires to
the second, cannot pass for a family link, and opens only an open invitation that is its
address's newest."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from registrar.domain.staff_invitations import (
    INVITATION_LIFETIME,
    InvitationClosed,
    check_acceptable,
    invitation_expiry,
)
from shared.family_links import ExpiredLink, InvalidLink, read_family_link
from shared.signing import KeyRing
from shared.staff_invitation_links import (
    InvitationLink,
    invitation_path,
    read_invitation_link,
    sign_invitation_link,
)

KEYS = KeyRing(("a-key-for-invitation-link-tests-only-01",))
NOW = datetime(2026, 3, 1, 12, 0, 30, 250_000, tzinfo=timezone.utc)
LINK = InvitationLink(4, 77, invitation_expiry(NOW))


def test_a_link_reads_back_as_its_school_invitation_and_expiry():
    assert read_invitation_link(KEYS, sign_invitation_link(KEYS, LINK), NOW) == LINK


def test_an_invitation_lasts_three_days_to_the_second():
    assert INVITATION_LIFETIME == timedelta(hours=72)
    assert invitation_expiry(NOW) == datetime(2026, 3, 4, 12, 0, 30, tzinfo=timezone.utc)


def test_the_link_stops_at_its_expiry():
    token = sign_invitation_link(KEYS, LINK)
    assert read_invitation_link(KEYS, token, LINK.expires_at - timedelta(seconds=1)) == LINK
    with pytest.raises(ExpiredLink):
        read_invitation_link(KEYS, token, LINK.expires_at)


def test_a_changed_link_or_another_key_is_refused():
    token = sign_invitation_link(KEYS, LINK)
    other = sign_invitation_link(KEYS, InvitationLink(4, 78, LINK.expires_at))
    spliced = other.rsplit(".", 1)[0] + "." + token.rsplit(".", 1)[1]
    with pytest.raises(InvalidLink):
        read_invitation_link(KEYS, spliced, NOW)
    with pytest.raises(InvalidLink):
        read_invitation_link(KeyRing(("another-key-entirely-for-these-tests",)), token, NOW)


def test_an_invitation_link_and_a_family_link_never_pass_for_each_other():
    with pytest.raises(InvalidLink):
        read_family_link(KEYS, sign_invitation_link(KEYS, LINK), NOW)


def test_the_path_is_the_registrars_page():
    assert invitation_path(KEYS, LINK).startswith("/staff/invitation/")


def test_only_an_open_newest_unexpired_invitation_may_be_accepted():
    expires_at = LINK.expires_at
    check_acceptable("open", True, expires_at, NOW)
    for state, newest, now, reason in (
        ("accepted", True, NOW, "accepted"),
        ("replaced", True, NOW, "replaced"),
        ("cancelled", True, NOW, "cancelled"),
        ("open", False, NOW, "replaced"),
        ("open", True, expires_at, "expired"),
    ):
        with pytest.raises(InvitationClosed) as refused:
            check_acceptable(state, newest, expires_at.replace(tzinfo=None), now)
        assert refused.value.reason == reason
