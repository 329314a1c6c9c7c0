"""The class-slot rules: when two weekly classes clash, and what a placement would double-book."""

from __future__ import annotations

from datetime import date, time

from registrar.domain.scheduling import (
    SCHEDULE_FULL,
    STUDENT_DOUBLE_BOOKED,
    TEACHER_DOUBLE_BOOKED,
    ClassSlot,
    Slot,
    StudentPlacement,
    conflicts_for,
    first_clash,
    meeting_count,
    slot_errors,
    suggest_free_slots,
)

MON, TUE, WED = 0, 1, 2
# 2026-01-05 is a Monday.
TERM_START, TERM_END = date(2026, 1, 5), date(2026, 3, 29)


def slot(weekday=MON, start="09:00", end="10:00", starts_on=TERM_START, ends_on=TERM_END):
    return Slot(weekday, time.fromisoformat(start), time.fromisoformat(end), starts_on, ends_on)


def cls(schedule_id, teacher_id=1, capacity=10, taken=0, program=None, **slot_fields):
    return ClassSlot(schedule_id, teacher_id, slot(**slot_fields), capacity, taken, program)


# -- first_clash ---------------------------------------------------------------------------


def test_back_to_back_classes_do_not_clash():
    assert first_clash(slot(start="09:00", end="10:00"), slot(start="10:00", end="11:00")) is None


def test_back_to_back_classes_do_not_clash_in_either_order():
    assert first_clash(slot(start="10:00", end="11:00"), slot(start="09:00", end="10:00")) is None


def test_partly_overlapping_times_clash_on_the_first_shared_day():
    assert (
        first_clash(slot(start="09:00", end="10:00"), slot(start="09:30", end="10:30"))
        == TERM_START
    )


def test_a_class_inside_another_clashes():
    assert (
        first_clash(slot(start="09:00", end="12:00"), slot(start="10:00", end="10:15"))
        == TERM_START
    )


def test_identical_slots_clash():
    assert first_clash(slot(), slot()) == TERM_START


def test_same_times_on_different_weekdays_do_not_clash():
    assert first_clash(slot(weekday=MON), slot(weekday=TUE)) is None


def test_terms_that_do_not_overlap_do_not_clash():
    spring = slot(starts_on=date(2026, 1, 5), ends_on=date(2026, 3, 29))
    summer = slot(starts_on=date(2026, 4, 6), ends_on=date(2026, 6, 28))
    assert first_clash(spring, summer) is None


def test_a_term_ending_on_the_monday_another_starts_clashes_that_monday():
    ending = slot(weekday=MON, starts_on=date(2026, 1, 5), ends_on=date(2026, 3, 30))
    starting = slot(weekday=MON, starts_on=date(2026, 3, 30), ends_on=date(2026, 6, 29))
    assert first_clash(ending, starting) == date(2026, 3, 30)


def test_a_term_ending_on_the_day_another_starts_does_not_clash_if_that_is_not_the_weekday():
    # 2026-03-31 is a Tuesday; both classes meet on Mondays.
    ending = slot(weekday=MON, starts_on=date(2026, 1, 5), ends_on=date(2026, 3, 31))
    starting = slot(weekday=MON, starts_on=date(2026, 3, 31), ends_on=date(2026, 6, 29))
    assert first_clash(ending, starting) is None


def test_overlapping_terms_clash_on_the_first_shared_weekday_not_the_first_shared_day():
    # Shared days start on Wednesday 2026-02-04; the first shared Monday is 2026-02-09.
    a = slot(weekday=MON, starts_on=date(2026, 1, 5), ends_on=date(2026, 3, 29))
    b = slot(weekday=MON, starts_on=date(2026, 2, 4), ends_on=date(2026, 6, 28))
    assert first_clash(a, b) == date(2026, 2, 9)


def test_a_short_shared_stretch_without_the_weekday_does_not_clash():
    # The terms share Tuesday 2026-02-03 to Thursday 2026-02-05: no Monday.
    a = slot(weekday=MON, starts_on=date(2026, 1, 5), ends_on=date(2026, 2, 5))
    b = slot(weekday=MON, starts_on=date(2026, 2, 3), ends_on=date(2026, 6, 28))
    assert first_clash(a, b) is None


def test_one_day_terms_on_the_same_day_clash():
    day = date(2026, 1, 7)
    assert (
        first_clash(
            slot(weekday=WED, starts_on=day, ends_on=day),
            slot(weekday=WED, starts_on=day, ends_on=day),
        )
        == day
    )


# -- meeting_count and slot_errors ------------------------------------------------------------


def test_meeting_count_counts_each_weekday_of_the_term():
    assert (
        meeting_count(slot(weekday=MON, starts_on=date(2026, 1, 5), ends_on=date(2026, 1, 19))) == 3
    )


def test_meeting_count_is_zero_when_the_term_misses_the_weekday():
    assert (
        meeting_count(slot(weekday=MON, starts_on=date(2026, 1, 6), ends_on=date(2026, 1, 8))) == 0
    )


def test_a_sound_slot_has_no_errors():
    assert slot_errors(slot(), capacity=1) == {}


def test_end_time_must_be_after_start_time():
    assert "end_time" in slot_errors(slot(start="10:00", end="10:00"), capacity=5)


def test_the_term_must_not_end_before_it_starts():
    assert "ends_on" in slot_errors(
        slot(starts_on=date(2026, 2, 1), ends_on=date(2026, 1, 1)), capacity=5
    )


def test_a_one_day_term_on_its_weekday_is_fine():
    assert slot_errors(slot(weekday=MON, starts_on=TERM_START, ends_on=TERM_START), 5) == {}


def test_a_term_without_the_weekday_is_refused_on_weekday():
    errors = slot_errors(
        slot(weekday=MON, starts_on=date(2026, 1, 6), ends_on=date(2026, 1, 8)), capacity=5
    )
    assert errors == {"weekday": ["the term has no Monday"]}


def test_capacity_must_be_at_least_one():
    assert "capacity" in slot_errors(slot(), capacity=0)


# -- conflicts_for ---------------------------------------------------------------------------


def test_a_class_with_a_seat_and_no_clash_has_no_conflicts():
    target = cls(1, capacity=2, taken=1)
    assert conflicts_for(target, [target], []) == []


def test_a_full_class_is_a_conflict():
    target = cls(1, capacity=2, taken=2)
    (conflict,) = conflicts_for(target, [target], [])
    assert (conflict.kind, conflict.capacity, conflict.taken) == (SCHEDULE_FULL, 2, 2)


def test_the_teachers_clashing_class_with_students_is_a_conflict():
    target, other = cls(1, teacher_id=7), cls(2, teacher_id=7, taken=1, start="09:30", end="10:30")
    (conflict,) = conflicts_for(target, [target, other], [])
    assert (conflict.kind, conflict.schedule_id, conflict.first_clash_on) == (
        TEACHER_DOUBLE_BOOKED,
        2,
        TERM_START,
    )


def test_the_teachers_clashing_class_without_students_is_no_conflict():
    target, other = cls(1, teacher_id=7), cls(2, teacher_id=7, taken=0)
    assert conflicts_for(target, [target, other], []) == []


def test_another_teachers_clashing_class_is_no_conflict():
    target, other = cls(1, teacher_id=7), cls(2, teacher_id=8, taken=3)
    assert conflicts_for(target, [target, other], []) == []


def test_the_teachers_back_to_back_class_is_no_conflict():
    target = cls(1, teacher_id=7)
    other = cls(2, teacher_id=7, taken=3, start="10:00", end="11:00")
    assert conflicts_for(target, [target, other], []) == []


def test_the_child_in_a_clashing_class_through_another_registration_is_a_conflict():
    target = cls(1, teacher_id=7)
    elsewhere = StudentPlacement(42, cls(2, teacher_id=8, start="09:45", end="11:00"))
    (conflict,) = conflicts_for(target, [target], [elsewhere])
    assert (conflict.kind, conflict.schedule_id, conflict.registration_id) == (
        STUDENT_DOUBLE_BOOKED,
        2,
        42,
    )


def test_the_child_in_a_class_on_another_day_is_no_conflict():
    target = cls(1)
    elsewhere = StudentPlacement(42, cls(2, teacher_id=8, weekday=TUE))
    assert conflicts_for(target, [target], [elsewhere]) == []


def test_every_conflict_is_reported_at_once():
    target = cls(1, teacher_id=7, capacity=1, taken=1)
    teacher_busy = cls(2, teacher_id=7, taken=1)
    child_busy = StudentPlacement(42, cls(3, teacher_id=8))
    kinds = [c.kind for c in conflicts_for(target, [target, teacher_busy], [child_busy])]
    assert kinds == [SCHEDULE_FULL, TEACHER_DOUBLE_BOOKED, STUDENT_DOUBLE_BOOKED]


# -- suggest_free_slots ------------------------------------------------------------------------


def test_suggestions_are_the_teachers_and_the_programs_other_free_classes():
    target = cls(1, teacher_id=7, program="music", capacity=1, taken=1)
    same_teacher = cls(2, teacher_id=7, weekday=TUE)
    same_program = cls(3, teacher_id=8, program="music", weekday=WED)
    unrelated = cls(4, teacher_id=9, program="chess", weekday=TUE)
    chosen = suggest_free_slots(
        target, [target, same_teacher, same_program, unrelated], [], today=TERM_START, limit=5
    )
    assert [c.schedule_id for c in chosen] == [2, 3]


def test_suggestions_leave_out_full_finished_and_clashing_classes():
    target = cls(1, teacher_id=7, capacity=1, taken=1)
    full = cls(2, teacher_id=7, weekday=TUE, capacity=3, taken=3)
    finished = cls(3, teacher_id=7, weekday=TUE, ends_on=date(2026, 1, 31))
    child_busy_then = cls(4, teacher_id=7, weekday=WED)
    elsewhere = StudentPlacement(42, cls(5, teacher_id=8, weekday=WED))
    chosen = suggest_free_slots(
        target,
        [target, full, finished, child_busy_then],
        [elsewhere],
        today=date(2026, 2, 2),
        limit=5,
    )
    assert chosen == []


def test_suggestions_stop_at_the_limit():
    target = cls(1, teacher_id=7)
    others = [
        cls(n, teacher_id=7, weekday=n % 7, start=f"{8 + n:02d}:00", end=f"{9 + n:02d}:00")
        for n in range(2, 8)
    ]
    assert len(suggest_free_slots(target, [target, *others], [], TERM_START, limit=3)) == 3
