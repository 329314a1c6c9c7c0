"""Collapsing: held reminders to one family, released together, become one message."""

from notifier.domain.collapsing import HeldMessage, collapse


def held(id_: int, recipient: str, school_id: int = 1) -> HeldMessage:
    return HeldMessage(id_, school_id, recipient, "needs_info_reminder", {"n": id_})


def test_one_held_message_is_released_as_it_is():
    (release,) = collapse([held(1, "a@example.com")])
    assert not release.collapsed
    assert release.first.id == 1


def test_several_held_messages_to_one_family_collapse_into_one_release():
    (release,) = collapse([held(1, "a@example.com"), held(2, "a@example.com")])
    assert release.collapsed
    assert [m.id for m in release.members] == [1, 2]


def test_families_are_kept_apart_in_the_order_they_were_held():
    releases = collapse(
        [held(1, "a@example.com"), held(2, "b@example.com"), held(3, "a@example.com")]
    )
    assert [[m.id for m in r.members] for r in releases] == [[1, 3], [2]]


def test_one_address_at_two_schools_is_two_families():
    releases = collapse([held(1, "a@example.com", 1), held(2, "a@example.com", 2)])
    assert len(releases) == 2


def test_an_address_in_another_case_is_the_same_family():
    (release,) = collapse([held(1, "A@Example.com"), held(2, "a@example.com")])
    assert release.collapsed


def test_nothing_held_releases_nothing():
    assert collapse([]) == []
