"""`edquill backup` and `edquill restore` against the real server, as an operator runs them."""

from __future__ import annotations

import subprocess

from tests.support.factories import create_registration, create_school
from tests.support.processes import EDQUILL
from tests.support.servers import environment


def run(settings, *args):
    return subprocess.run(
        [EDQUILL, *args], env=environment(settings), capture_output=True, text=True, timeout=120
    )


def test_a_restore_brings_back_what_the_backup_held(settings, registrar_db, tmp_path):
    school_id = create_school(registrar_db)
    registration_id = create_registration(registrar_db, school_id)
    backup_file = tmp_path / "nightly.backup"

    taken = run(settings, "backup", "--out", str(backup_file))
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "UPDATE student_self_registrations SET student_last_name = 'Changed' WHERE id = %s",
            (registration_id,),
        )
    restored = run(settings, "restore", str(backup_file))

    assert taken.returncode == 0, taken.stderr
    assert restored.returncode == 0, restored.stderr
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT student_last_name FROM student_self_registrations WHERE id = %s",
            (registration_id,),
        )
        assert cursor.fetchone()["student_last_name"] == "Lovelace"
        cursor.execute("SHOW TRIGGERS LIKE 'student_self_registrations'")
        assert {row["Trigger"] for row in cursor.fetchall()} >= {
            "trg_ssr_submitted_outbox",
            "trg_ssr_status_outbox",
            "trg_ssr_converted_outbox",
        }


def test_restoring_a_file_that_is_not_a_backup_fails_with_one_line(settings, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")

    result = run(settings, "restore", str(bogus))

    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "is not an EdQuill backup" in result.stderr
