"""Staff moving a registration through its lifecycle, with the lifecycle's refusals turned
into domain errors (a Conflict invalid_transition, InvalidInput for a missing note)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from registrar.adapters import placements_store
from registrar.adapters.registrations_store import (
    CommittedStatusChange,
    apply_status_change,
    lock_registration,
    require_version,
)
from registrar.domain.lifecycle import InvalidTransition, MissingReason, plan_status_change
from registrar.service_layer import seat_offers
from shared.db import transaction
from shared.errors import Conflict, InvalidInput
from shared.registration_status import Status


@contextmanager
def lifecycle_refusals_as_domain_errors() -> Iterator[None]:
    """Any action that changes a status can answer the lifecycle's refusals the same way."""
    try:
        yield
    except InvalidTransition as exc:
        raise Conflict(
            str(exc),
            code="invalid_transition",
            details={"from": exc.from_status, "to": exc.to_status, "allowed": exc.allowed},
        ) from None
    except MissingReason as exc:
        raise InvalidInput.of_field("note", str(exc)) from None


def change_status(
    connection,
    school_id: int,
    registration_id: int,
    to_status: str,
    actor: str,
    *,
    note: str | None = None,
    missing: tuple[str, ...] = (),
    expected_version: int | None = None,
) -> CommittedStatusChange:
    """Move a registration through the lifecycle in one transaction.

    Raises NotFound (another school's id too), StaleVersion, InvalidTransition, MissingReason.
    """
    with transaction(connection) as cursor:
        row = lock_registration(cursor, school_id, registration_id)
        require_version(row, expected_version)
        change = plan_status_change(row["status"], to_status, note, missing)
        apply_status_change(cursor, school_id, registration_id, change, actor)
        if change.to_status == Status.REJECTED:
            # A rejected registration's placement stays on record but holds no seat.
            held = placements_store.current_schedule_id(cursor, school_id, registration_id)
            seat_offers.release_closed_registration(cursor, school_id, registration_id, held)
    return CommittedStatusChange(
        change.from_status,
        change.to_status,
        change.note,
        change.missing,
        version=row["version"] + 1,
    )


def change_lead_status(
    connection,
    school_id: int,
    actor: str,
    registration_id: int,
    status: str,
    note: str | None = None,
    missing: tuple[str, ...] = (),
    version: int | None = None,
) -> dict:
    with lifecycle_refusals_as_domain_errors():
        change = change_status(
            connection,
            school_id,
            registration_id,
            status,
            actor,
            note=note,
            missing=missing,
            expected_version=version,
        )
    return {
        "registration_id": registration_id,
        "from_status": change.from_status,
        "status": change.to_status,
        "version": change.version,
    }
