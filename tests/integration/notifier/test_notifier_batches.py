"""The consumer's batches: a batch reads each school once, yet a school renamed by a snapshot
in the middle of a batch is named anew in the messages after it, as one event per transaction
would have it."""

from __future__ import annotations

from tests.support.notifier import Family, new_school_id, school_created, unique_email
from tests.support.waiting import wait_until

SNAPSHOT = {"slug": "sunrise", "timezone": "UTC", "currency": "USD", "default_language": "en"}


def test_a_school_renamed_mid_batch_is_named_anew_in_the_messages_after_it(
    start_worker, queues, notifier_db
):
    school_id = new_school_id()
    queues.publish_event(school_created(school_id, name="Sunrise Music School"))
    receipts = [
        (Family(school_id, unique_email(f"payer{n}"), student_first_name="Ada"), snapshot)
        for n, snapshot in enumerate(
            (
                {"name": "Sunrise Music School", **SNAPSHOT},
                {"name": "Sunrise Academy", **SNAPSHOT},
                None,  # no snapshot: the directory as the batch left it
            )
        )
    ]
    for number, (family, snapshot) in enumerate(receipts):  # each newer than the one before
        extra = {"school": snapshot} if snapshot else {}
        queues.publish_event(family.invoice_paid(500 + number, **extra))
    start_worker()  # after publishing: the events arrive as one batch

    rows = wait_until(
        lambda: (found := messages_of_school(notifier_db, school_id)) and len(found) == 3 and found,
        what="three receipts logged",
    )
    assert [row["from_name"] for row in rows] == [
        "Sunrise Music School",
        "Sunrise Academy",
        "Sunrise Academy",
    ]


def messages_of_school(connection, school_id: int) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT from_name FROM t_message_log WHERE school_id = %s ORDER BY id", (school_id,)
        )
        return list(cursor.fetchall())
