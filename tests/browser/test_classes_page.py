"""The classes page in Chromium against the running registrar: a registrar adds a teacher and
a class and finds it in the teacher's week grid; a second class typed at a clashing time is
warned of, with free times, before saving; saved anyway, it is refused in place and nothing
is stored."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from tests.support.classes import TERM_END, TERM_START


@pytest.fixture
def teacher_name() -> str:
    return f"Teacher {secrets.token_hex(3)}"


def _classes_of(registrar_db, school_id: int, teacher_name: str) -> list[str]:
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT s.name FROM class_schedules s JOIN teachers t ON t.id = s.teacher_id "
            "WHERE s.school_id = %s AND t.name = %s ORDER BY s.id",
            (school_id, teacher_name),
        )
        return [row["name"] for row in cursor.fetchall()]


def _type_class(form, teacher_name: str, name: str, start: str, end: str) -> None:
    form.get_by_label("Teacher").select_option(label=teacher_name)
    form.get_by_label("Class name").fill(name)
    form.get_by_label("Weekday").select_option(label="Tuesday")
    form.get_by_label("Starts at").fill(start)
    form.get_by_label("Ends at").fill(end)
    form.get_by_label("First day of the term").fill(TERM_START.isoformat())
    form.get_by_label("Last day of the term").fill(TERM_END.isoformat())
    form.get_by_label("Seats").fill("6")


def test_a_registrar_plans_a_class_and_is_stopped_from_double_booking_its_teacher(
    page, registrar_db, demo_school, teacher_name
):
    page.goto("/admin/registrar")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Classes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Classes")

    add_teacher = page.get_by_role("region", name="Add a teacher")
    add_teacher.get_by_label("Name").fill(teacher_name)
    add_teacher.get_by_role("button", name="Add the teacher").click()
    expect(page.get_by_role("status")).to_have_text("Saved: the teacher is added.")

    _type_class(
        page.get_by_role("region", name="Add a class"), teacher_name, "Pottery", "10:00", "11:00"
    )
    page.get_by_role("button", name="Save the class").click()
    expect(page.get_by_role("status")).to_contain_text("the class is added")
    grid = page.get_by_role("table", name=f"Week of {teacher_name}")
    expect(grid.get_by_role("row", name="10:00").get_by_role("cell").nth(1)).to_have_text(
        "Pottery 10:00–11:00"
    )

    add_class = page.get_by_role("region", name="Add a class")
    _type_class(add_class, teacher_name, "Weaving", "10:30", "11:30")
    add_class.get_by_role("button", name="Check the time").click()
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("Warning: this time clashes")
    expect(warning).to_contain_text("already teaches Pottery (Tuesday 10:00-11:00)")
    expect(warning.get_by_role("button", name="Use Tuesday 11:00–12:00")).to_be_visible()
    expect(page.get_by_label("Class name")).to_have_value("Weaving")

    page.get_by_role("button", name="Save the class").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Not saved: this class would double-book its teacher.")
    expect(page.get_by_label("Class name")).to_have_value("Weaving")
    expect(page.get_by_label("Starts at")).to_have_value("10:30")
    assert _classes_of(registrar_db, demo_school.id, teacher_name) == ["Pottery"]
