"""A family answering its seat offer from the page its family link opens: the link names the
registration, and it still has to be the address the link was sent to (as every family page
checks, service_layer.family), read under the registration's lock."""

from __future__ import annotations

from datetime import datetime

from registrar.domain.lifecycle import FAMILY_ACTOR
from registrar.service_layer import waitlist
from shared.family_links import InvalidLink, OpenedFamilyLink, read_family_link
from shared.signing import KeyRing


def accept(connection, keys: KeyRing, token: str, offer_id: int, now: datetime) -> dict:
    """Raises InvalidLink, ExpiredLink, and waitlist.accept_offer's refusals."""
    link = read_family_link(keys, token, now)
    return waitlist.accept_offer(
        connection,
        link.school_id,
        link.registration_id,
        offer_id,
        now,
        FAMILY_ACTOR,
        check_registration=_sent_to_its_address(link),
    )


def decline(connection, keys: KeyRing, token: str, offer_id: int, now: datetime) -> list[int]:
    """Raises InvalidLink, ExpiredLink, and waitlist.decline_offer's refusals."""
    link = read_family_link(keys, token, now)
    return waitlist.decline_offer(
        connection,
        link.school_id,
        link.registration_id,
        offer_id,
        now,
        FAMILY_ACTOR,
        check_registration=_sent_to_its_address(link),
    )


def _sent_to_its_address(link: OpenedFamilyLink):
    def check(registration: dict) -> None:
        if not link.sent_to(registration["guardian_email"]):
            raise InvalidLink("this link is not valid")

    return check
