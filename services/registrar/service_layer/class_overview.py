"""What the classes page shows of the school at once: each teacher in use with their classes
(seats, waitlist) and week grid, and what is archived, from two reads with grouped counts."""

from __future__ import annotations

from registrar.adapters import class_listing_store
from registrar.domain.timetable import TeacherClass, week_grid
from registrar.service_layer.class_clashes import slot_of


def classes_overview(connection, school_id: int) -> dict:
    with connection.cursor() as cursor:
        teachers = class_listing_store.list_teachers(cursor, school_id, include_archived=True)
        schedules = class_listing_store.list_schedules(cursor, school_id, include_archived=True)
    in_use = [row for row in schedules if row["archived_at"] is None]
    return {
        "teachers": [
            _with_week(teacher, [row for row in in_use if row["teacher_id"] == teacher["id"]])
            for teacher in teachers
            if teacher["archived_at"] is None
        ],
        "archived_teachers": [
            {**teacher, "classes": [row for row in in_use if row["teacher_id"] == teacher["id"]]}
            for teacher in teachers
            if teacher["archived_at"] is not None
        ],
        "archived_classes": [row for row in schedules if row["archived_at"] is not None],
        "schedules": {row["id"]: row for row in schedules},
    }


def _with_week(teacher: dict, classes: list[dict]) -> dict:
    grid = week_grid(TeacherClass(row["id"], row["name"], slot_of(row)) for row in classes)
    return {**teacher, "classes": classes, "grid": grid}
