"""Each consumer's table of event type -> handler covers the catalogue as the consumer means to:
a type left out is one it deliberately does nothing with."""

from __future__ import annotations

from dashboard.service_layer.fold import FOLDS
from notifier.entrypoints.consumer import NotifierConsumer
from shared.events import CATALOGUE, EventType


def test_the_notifier_handles_every_catalogued_event_type():
    assert set(NotifierConsumer.HANDLERS) == set(CATALOGUE)


def test_the_notifier_keeps_its_directory_from_school_events_and_plans_the_rest():
    school = {EventType.SCHOOL_CREATED, EventType.SCHOOL_UPDATED}
    assert {NotifierConsumer.HANDLERS[kind] for kind in school} == {NotifierConsumer._record_school}
    assert {
        handler for kind, handler in NotifierConsumer.HANDLERS.items() if kind not in school
    } == {NotifierConsumer._follow_plan}


def test_the_dashboard_folds_every_catalogued_type_but_autopay_enrolments_and_staff_events():
    # The dashboard binds no staff.# events: an invitation is no registration's business.
    assert set(CATALOGUE) - set(FOLDS) == {EventType.AUTOPAY_ENROLLED, EventType.STAFF_INVITED}


def test_the_dashboard_folds_every_registration_event_into_the_registration():
    registration_types = {kind for kind in CATALOGUE if kind.startswith("selfreg.")}
    assert {FOLDS[kind].__name__ for kind in registration_types} == {"_fold_registration"}
