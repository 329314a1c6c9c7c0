"""A teacher's week (registrar.domain.timetable): the clashes a class would have, the free
times suggested instead, and the week grid the classes page draws."""

from __future__ import annotations

from datetime import date, time

from registrar.domain.scheduling import Slot
from registrar.domain.timetable import (
    TeacherClass,
    free_slots_near,
    teacher_clashes,
    week_grid,
)

# Twelve weeks from Monday 2026-01-05.
TERM = (date(2026, 1, 5), date(2026, 3, 29))


def slot(weekday: int, start: str, end: str, term=TERM) -> Slot:
    return Slot(weekday, time.fromisoformat(start), time.fromisoformat(end), *term)


def taught(schedule_id: int, weekday: int, start: str, end: str, name: str = "Piano"):
    return TeacherClass(schedule_id, name, slot(weekday, start, end))


def times(slots: list[Slot]) -> list[tuple[int, str, str]]:
    return [(s.weekday, s.start.strftime("%H:%M"), s.end.strftime("%H:%M")) for s in slots]


# -- clashes -----------------------------------------------------------------------------------


def test_an_overlapping_class_of_the_teacher_clashes_from_the_first_shared_day():
    (clash,) = teacher_clashes(slot(0, "16:30", "17:30"), [taught(1, 0, "16:00", "17:00")])
    assert clash.other.schedule_id == 1 and clash.first_clash_on == date(2026, 1, 5)


def test_back_to_back_classes_do_not_clash():
    assert teacher_clashes(slot(0, "17:00", "18:00"), [taught(1, 0, "16:00", "17:00")]) == []


def test_classes_in_terms_that_do_not_meet_do_not_clash():
    later = Slot(0, time(16), time(17), date(2026, 4, 6), date(2026, 6, 29))
    assert teacher_clashes(later, [taught(1, 0, "16:00", "17:00")]) == []


def test_clashes_are_listed_by_start_time():
    found = teacher_clashes(
        slot(0, "15:00", "18:00"), [taught(2, 0, "17:00", "18:00"), taught(1, 0, "15:30", "16:00")]
    )
    assert [c.other.schedule_id for c in found] == [1, 2]


# -- free times --------------------------------------------------------------------------------


def test_free_times_are_the_nearest_on_the_same_day_first():
    busy = [slot(0, "16:00", "17:00")]
    assert times(free_slots_near(slot(0, "16:30", "17:30"), busy, 3)) == [
        (0, "17:00", "18:00"),
        (0, "17:30", "18:30"),
        (0, "15:00", "16:00"),
    ]


def test_at_the_same_distance_the_earlier_time_comes_first():
    busy = [slot(0, "16:00", "17:00")]
    assert times(free_slots_near(slot(0, "16:00", "17:00"), busy, 2)) == [
        (0, "15:00", "16:00"),
        (0, "17:00", "18:00"),
    ]


def test_a_full_day_moves_the_suggestions_to_the_next_weekday():
    busy = [slot(0, "07:00", "22:00")]
    assert times(free_slots_near(slot(0, "16:00", "17:00"), busy, 1)) == [(1, "16:00", "17:00")]


def test_suggestions_keep_inside_the_teaching_day():
    suggested = free_slots_near(slot(0, "21:00", "22:00"), [slot(0, "07:00", "22:00")], 40)
    assert all(time(7) <= s.start and s.end <= time(22) for s in suggested)


def test_a_class_longer_than_the_teaching_day_gets_no_suggestion():
    assert free_slots_near(slot(0, "06:00", "23:00"), [slot(0, "12:00", "13:00")], 5) == []


def test_a_weekday_the_term_does_not_contain_is_never_suggested():
    one_monday = (date(2026, 1, 5), date(2026, 1, 5))
    busy = [slot(0, "07:00", "22:00", one_monday)]
    assert free_slots_near(slot(0, "16:00", "17:00", one_monday), busy, 5) == []


def test_suggestions_keep_the_length_and_term_asked_for():
    (suggested,) = free_slots_near(slot(2, "10:15", "11:45"), [slot(2, "10:00", "11:00")], 1)
    assert (suggested.starts_on, suggested.ends_on) == TERM
    assert times([suggested]) == [(2, "11:15", "12:45")]


# -- the week grid -----------------------------------------------------------------------------


def test_no_classes_make_no_grid():
    assert week_grid([]) == []


def test_the_grid_runs_from_the_first_start_to_the_last_end_hour():
    grid = week_grid([taught(1, 0, "16:00", "17:00"), taught(2, 3, "18:30", "19:15")])
    assert [row.hour for row in grid] == [time(16), time(17), time(18), time(19)]


def test_a_class_ending_on_the_hour_is_not_in_that_hour():
    grid = week_grid([taught(1, 0, "16:00", "18:00")])
    assert [row.hour for row in grid] == [time(16), time(17)]


def test_a_class_sits_in_its_weekday_column_and_says_where_it_starts():
    grid = week_grid([taught(1, 2, "16:30", "18:00")])
    first, second = grid
    (entry,) = first.days[2]
    assert entry.schedule_id == 1 and entry.starts_here
    (continued,) = second.days[2]
    assert not continued.starts_here
    assert all(first.days[day] == () for day in range(7) if day != 2)


def test_two_classes_in_one_hour_are_listed_by_start_time():
    grid = week_grid(
        [taught(2, 4, "10:30", "11:00", "Late"), taught(1, 4, "10:00", "10:30", "Early")]
    )
    assert [entry.name for entry in grid[0].days[4]] == ["Early", "Late"]
