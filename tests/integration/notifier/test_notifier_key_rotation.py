"""The notifier after a key rotation: the unsubscribe page (served by gunicorn) still takes
links signed with the old key while it is in EDQUILL_SECRET_KEY_PREVIOUS and refuses a key in
neither list; the worker signs the links of new mail with the new key."""

from __future__ import annotations

import secrets
from dataclasses import replace

import pytest

from notifier.bootstrap import bootstrap
from notifier.domain.unsubscribe_links import read_unsubscribe_token, unsubscribe_token
from shared.signing import KeyRing
from tests.integration.notifier.conftest import TEST_CONFIG
from tests.support.http_pages import fetch
from tests.support.notifier import (
    Family,
    FastNotifierConsumer,
    WorkerThread,
    consent_of,
    new_school_id,
    school_created,
    unique_email,
)
from tests.support.processes import serve

PUBLIC_URL = "https://school.example"
NEW_KEY = "rotated-" + secrets.token_urlsafe(32)
STRANGER = KeyRing(("a-key-this-system-never-had-" + "x" * 16,))


@pytest.fixture(scope="module")
def notifier(settings):
    served = serve(
        settings,
        "notifier",
        {
            "EDQUILL_SECRET_KEY": NEW_KEY,
            "EDQUILL_SECRET_KEY_PREVIOUS": settings.secret_key,
            "EDQUILL_PUBLIC_URL": PUBLIC_URL,
        },
    )
    yield served.url
    served.stop()


@pytest.fixture
def school_id(queues):
    school_id = new_school_id()
    queues.publish_event(school_created(school_id))
    return school_id


def test_an_unsubscribe_link_signed_before_the_rotation_still_unsubscribes(
    notifier, settings, notifier_db, school_id
):
    email = unique_email()
    token = unsubscribe_token(KeyRing((settings.secret_key,)), school_id, email)

    answer = fetch(
        notifier, f"/unsubscribe/{token}", method="POST", form={"List-Unsubscribe": "One-Click"}
    )

    assert answer.status == 200
    assert consent_of(notifier_db, school_id, email)["reminders"]["granted"] == 0


def test_an_unsubscribe_link_of_a_key_in_neither_list_is_refused(notifier, notifier_db, school_id):
    email = unique_email()
    token = unsubscribe_token(STRANGER, school_id, email)

    assert fetch(notifier, f"/unsubscribe/{token}", method="POST").status == 404
    assert fetch(notifier, f"/unsubscribe/{token}").status == 404
    assert consent_of(notifier_db, school_id, email) == {}


def test_new_mail_carries_links_signed_with_the_new_key(
    settings, sink, clock, notifier_db, queues, school_id
):
    rotated = replace(
        settings,
        smtp_url=sink.url,
        public_url=PUBLIC_URL,
        secret_key=NEW_KEY,
        previous_secret_keys=(settings.secret_key,),
    )
    worker = WorkerThread(
        bootstrap(rotated, TEST_CONFIG, clock=clock, consumer_class=FastNotifierConsumer)
    ).start()
    try:
        family = Family(school_id, unique_email())
        queues.publish_event(family.needs_info())
        (message,) = sink.wait_for(1)
    finally:
        worker.stop()

    token = message.parsed()["List-Unsubscribe"].removeprefix(f"<{PUBLIC_URL}/unsubscribe/")
    token = token.removesuffix(">")
    assert read_unsubscribe_token(KeyRing((NEW_KEY,)), token).recipient == family.email
    assert read_unsubscribe_token(KeyRing((settings.secret_key,)), token) is None
