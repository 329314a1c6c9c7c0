"""`edquill school list`: every school, oldest first, as `edquill up` reads it for the family
form's address (it asks the registrar's command, never its tables)."""

from __future__ import annotations

import subprocess

from click.testing import CliRunner

from devtools.up import first_slug
from registrar.adapters.schools_store import create_school
from registrar.entrypoints.cli import school
from tests.support.processes import EDQUILL
from tests.support.servers import environment


def _listed_rows(settings) -> list[list[str]]:
    result = CliRunner().invoke(school, ["list"], obj=settings)
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.splitlines()
    assert header == "id\tslug\tname"
    return [row.split("\t") for row in rows]


def test_school_list_prints_each_school_oldest_first(settings, registrar_db):
    older = create_school(registrar_db, "Older School", "older-school")
    newer = create_school(registrar_db, "Newer School", "newer-school")

    rows = _listed_rows(settings)

    assert ["Older School", "Newer School"] == [
        name for _, _, name in rows if name in ("Older School", "Newer School")
    ]
    assert [str(older), "older-school", "Older School"] in rows
    assert [str(newer), "newer-school", "Newer School"] in rows
    assert [int(school_id) for school_id, _, _ in rows] == sorted(
        int(school_id) for school_id, _, _ in rows
    )


def test_a_name_with_a_tab_keeps_its_row(settings, registrar_db):
    school_id = create_school(registrar_db, "Tab\tSchool", "tab-school")

    assert [str(school_id), "tab-school", "Tab School"] in _listed_rows(settings)


def test_up_finds_the_oldest_schools_slug_in_the_installed_command(settings, registrar_db):
    create_school(registrar_db, "Some School", "some-school")
    completed = subprocess.run(
        [EDQUILL, "school", "list"],
        env=environment(settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr

    with registrar_db.cursor() as cursor:
        cursor.execute("SELECT slug FROM schools ORDER BY id LIMIT 1")
        oldest = cursor.fetchone()["slug"]
    assert first_slug(completed.stdout) == oldest
