"""`edquill backup`, `edquill backup --verify` and `edquill restore` against the real server,
as an operator runs them: a private file, one line on each failure, nothing half-written."""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
import subprocess
import tarfile

import pytest

from shared import db
from tests.support.backups import own_environment
from tests.support.factories import create_registration, create_school
from tests.support.processes import run_edquill

# Dumping, compressing and loading four small databases: seconds, with room for a busy machine.
COMMAND_TIMEOUT_SECONDS = 120


@pytest.fixture(scope="module")
def archive(settings, tmp_path_factory):
    """One archive of an environment of the module's own, with a registration and a document."""
    documents_dir = tmp_path_factory.mktemp("source") / "documents"
    with own_environment(settings, documents_dir, migrated=True) as own:
        connection = db.connect(own, "registrar")
        create_registration(connection, create_school(connection))
        connection.close()
        (documents_dir / "1").mkdir()
        (documents_dir / "1" / "0f1e2d").write_bytes(b"%PDF-1.7 a scanned form")
        out = tmp_path_factory.mktemp("backups") / "nightly.backup"
        taken = run_edquill(own, "backup", "--out", str(out), timeout=COMMAND_TIMEOUT_SECONDS)
        assert taken.returncode == 0, taken.stderr
        yield out


@pytest.fixture
def empty_target(settings, tmp_path):
    """Settings whose databases do not exist yet and whose documents folder is empty."""
    with own_environment(settings, tmp_path / "documents", migrated=False) as own:
        yield own


def repacked(source, target, change):
    """`source` written again as `target` with `change(name, data)` applied to each member."""
    with tarfile.open(source, "r:gz") as original, tarfile.open(target, "w:gz") as copy:
        for info in original:
            data = change(info.name, original.extractfile(info).read())
            info.size = len(data)
            copy.addfile(info, io.BytesIO(data))
    return target


def one_line(result) -> str:
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    return result.stderr


def database_exists(settings, service) -> bool:
    connection = db.connect(settings)
    with connection.cursor() as cursor:
        cursor.execute("SHOW DATABASES LIKE %s", (settings.database(service),))
        found = cursor.fetchone() is not None
    connection.close()
    return found


def test_the_archive_is_private_whatever_the_umask(settings, tmp_path):
    previous = os.umask(0)
    try:
        out = tmp_path / "open.backup"
        taken = run_edquill(settings, "backup", "--out", str(out), timeout=COMMAND_TIMEOUT_SECONDS)
    finally:
        os.umask(previous)
    assert taken.returncode == 0, taken.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not (tmp_path / "open.backup.partial").exists()


def test_the_archive_holds_every_database_the_documents_and_a_manifest(archive):
    with tarfile.open(archive, "r:gz") as opened:
        names = opened.getnames()
        manifest = json.loads(opened.extractfile("manifest.json").read())
    assert names[-1] == "manifest.json"
    assert set(names) == {*manifest["members"], "manifest.json"}
    assert {f"databases/{service}.sql" for service in manifest["databases"]} <= set(names)
    assert "documents/1/0f1e2d" in names
    assert manifest["documents"] == 1


def test_verify_summarises_a_whole_archive(archive, settings):
    checked = run_edquill(settings, "backup", "--verify", str(archive))
    assert checked.returncode == 0, checked.stderr
    assert "intact" in checked.stdout
    assert "1 documents" in checked.stdout


def test_verify_refuses_a_truncated_archive(archive, settings, tmp_path):
    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert "truncated or corrupt" in one_line(
        run_edquill(settings, "backup", "--verify", str(truncated))
    )


def test_verify_refuses_a_member_changed_behind_its_manifest(archive, settings, tmp_path):
    def alter_registrations(name, data):
        return data.replace(b"Lovelace", b"Lovelacf") if name.endswith("registrar.sql") else data

    tampered = repacked(archive, tmp_path / "tampered.backup", alter_registrations)
    assert "registrar.sql does not match its checksum" in one_line(
        run_edquill(settings, "backup", "--verify", str(tampered))
    )


def test_verify_refuses_an_archive_whose_compressed_bytes_were_flipped(archive, settings, tmp_path):
    data = bytearray(archive.read_bytes())
    data[-6] ^= 0xFF  # inside the gzip trailer's CRC: every member still reads
    flipped = tmp_path / "flipped.backup"
    flipped.write_bytes(bytes(data))
    assert "truncated or corrupt" in one_line(
        run_edquill(settings, "backup", "--verify", str(flipped))
    )


def test_restore_refuses_databases_that_hold_tables(archive, settings):
    refused = one_line(run_edquill(settings, "restore", str(archive)))
    assert f"{settings.database('registrar')} already holds" in refused


def test_restore_refuses_a_documents_folder_that_holds_files(archive, empty_target):
    with open(os.path.join(empty_target.documents_dir, "left-over"), "wb") as left_over:
        left_over.write(b"an old upload")
    refused = one_line(run_edquill(empty_target, "restore", str(archive)))
    assert "already holds files" in refused
    assert not database_exists(empty_target, "registrar")


def test_restore_of_a_tampered_archive_writes_nothing(archive, empty_target, tmp_path):
    def alter_document(name, data):
        return data + b"!" if name.startswith("documents/") else data

    tampered = repacked(archive, tmp_path / "tampered.backup", alter_document)
    assert "does not match its checksum" in one_line(
        run_edquill(empty_target, "restore", str(tampered))
    )
    assert not database_exists(empty_target, "registrar")
    assert os.listdir(empty_target.documents_dir) == []


def test_restoring_a_file_that_is_not_a_backup_fails_with_one_line(empty_target, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")
    refused = one_line(run_edquill(empty_target, "restore", str(bogus)))
    assert "is not an EdQuill backup" in refused


def test_verifying_a_gzipped_file_that_is_not_a_backup_fails_with_one_line(settings, tmp_path):
    bogus = tmp_path / "notes.txt.gz"
    bogus.write_bytes(gzip.compress(b"not a backup"))
    assert "corrupt" in one_line(run_edquill(settings, "backup", "--verify", str(bogus)))


def test_a_backup_of_an_unreachable_server_fails_with_one_line_and_leaves_no_file(
    settings, tmp_path
):
    out = tmp_path / "nightly.backup"
    failed = run_edquill(
        settings,
        "backup",
        "--out",
        str(out),
        extra_env={"EDQUILL_MYSQL_URL": "mysql://root@127.0.0.1:9"},
    )
    assert "cannot reach the database server" in one_line(failed)
    assert list(tmp_path.iterdir()) == []


def test_a_backup_without_mysqldump_says_so_and_leaves_no_file(settings, tmp_path):
    out = tmp_path / "nightly.backup"
    failed = run_edquill(
        settings, "backup", "--out", str(out), extra_env={"PATH": str(tmp_path / "no-tools")}
    )
    assert "mysqldump or mariadb-dump is not installed" in one_line(failed)
    assert list(tmp_path.iterdir()) == []


def test_backup_needs_exactly_one_of_out_and_verify(settings, archive):
    assert "either --out FILE or --verify FILE" in one_line(run_edquill(settings, "backup"))


@pytest.fixture
def full_disk(tmp_path):
    """A 16 kB tmpfs: far less than four dumps need. Mounting needs root (as CI runs)."""
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(tmp_path)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    yield tmp_path
    subprocess.run(["umount", str(tmp_path)], check=True)


def test_a_backup_onto_a_full_disk_says_so_and_leaves_no_file(settings, full_disk):
    failed = run_edquill(settings, "backup", "--out", str(full_disk / "nightly.backup"))
    assert "no space left on the device" in one_line(failed)
    assert list(full_disk.iterdir()) == []
