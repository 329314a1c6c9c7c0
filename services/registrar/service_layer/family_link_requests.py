"""/family: a family asks for fresh links by e-mail address. Each registration of the address
that is still followed (FAMILY_LINK_STAGES) gets a selfreg.family_link.requested event, and
the notifier e-mails its family link (built there from the ids: no event carries a link).

The answer is the same whether or not the address is known, so the page tells nobody who has
registered. Requests are limited per client address and per e-mail address (t_rate_limit),
both counted before the address is looked up, so the limits say nothing either.
"""

from __future__ import annotations

import hashlib

from registrar.adapters import family_store, outbox_store, throttle_store
from registrar.adapters.throttle_store import Limit
from shared.db import transaction
from shared.events import Event, EventType
from shared.registration_status import Status

# The stages a family follows on its page: the open ones and the welcome once converted.
FAMILY_LINK_STAGES = (
    Status.PENDING,
    Status.IN_REVIEW,
    Status.NEEDS_INFO,
    Status.APPROVED,
    Status.CONVERTED,
)
# More registrations than a family has children at one time: a bound on one request's mail.
MOST_LINKS_PER_REQUEST = 10
# A family that lost its e-mail asks once or twice; ten an hour from one connection covers a
# shared school computer, and three an hour per address keeps a stranger from flooding it.
REQUESTS_PER_CLIENT = Limit(max_hits=10, window_seconds=3600)
REQUESTS_PER_ADDRESS = Limit(max_hits=3, window_seconds=3600)


def request_family_links(connection, guardian_email: str, client_key: str) -> int:
    """Enqueue a link for each followed registration of the address; how many (never shown
    to the asker). Raises Throttled when either limit is reached."""
    address = guardian_email.strip().lower()
    _count(connection, f"family-links:client:{client_key}", REQUESTS_PER_CLIENT)
    _count(connection, f"family-links:email:{_digest(address)}", REQUESTS_PER_ADDRESS)
    with transaction(connection) as cursor:
        registrations = family_store.registrations_of_address(
            cursor, address, FAMILY_LINK_STAGES, MOST_LINKS_PER_REQUEST
        )
        for registration in registrations:
            outbox_store.enqueue(cursor, _requested_event(registration, address))
    return len(registrations)


def _count(connection, bucket: str, limit: Limit) -> None:
    window = throttle_store.count_hit(connection, bucket, limit)
    if window.hits > limit.max_hits:
        raise throttle_store.Throttled(
            "too many requests for links; try again later", window.retry_after
        )


def _digest(address: str) -> str:
    # The bucket names the address without holding it (t_rate_limit's keys are ASCII).
    return hashlib.sha256(address.encode()).hexdigest()


def _requested_event(registration: dict, address: str) -> Event:
    return Event.new(
        EventType.FAMILY_LINK_REQUESTED,
        registration["school_id"],
        registration["id"],
        {
            "registration_id": registration["id"],
            "status": registration["status"],
            "guardian_email": address,
            "guardian_name": registration["guardian_name"],
            "student_first_name": registration["student_first_name"],
            "student_last_name": registration["student_last_name"],
        },
    )
