"""The backup archive's format on its own: members and manifest, the checks of `--verify`, a
document's name kept inside its folder, and the binary log position read from a dump's head."""

from __future__ import annotations

import hashlib
import io
import stat
import tarfile

import pytest

from shared.backup_archive import ArchiveWriter, BackupError, verify
from shared.backup_documents import restore_document
from shared.backup_mysql import binlog_position


def written(tmp_path, members: dict[str, bytes]):
    out = tmp_path / "a.backup"
    writer = ArchiveWriter(out)
    for name, data in members.items():
        writer.add_chunks(name, [data[:3], data[3:]])
    writer.finish(documents=0, databases={})
    return out


def rewritten(source, target, keep=lambda name: True, extra: dict[str, bytes] | None = None):
    """`source` copied to `target` without the members `keep` refuses, `extra` members added
    just before the manifest."""
    with tarfile.open(source, "r:gz") as original, tarfile.open(target, "w:gz") as copy:
        for info in original:
            if info.name == "manifest.json":
                for name, data in (extra or {}).items():
                    added = tarfile.TarInfo(name)
                    added.size = len(data)
                    copy.addfile(added, io.BytesIO(data))
            if keep(info.name):
                copy.addfile(info, original.extractfile(info))
    return target


DUMP = b"CREATE TABLE t (id INT);\nINSERT INTO t VALUES (1);\n"


def test_the_manifest_lists_every_member_with_its_size_and_sha256(tmp_path):
    manifest = verify(written(tmp_path, {"databases/kpi.sql": DUMP}))
    assert manifest["members"] == {
        "databases/kpi.sql": {"size": len(DUMP), "sha256": hashlib.sha256(DUMP).hexdigest()}
    }


def test_the_archive_is_private_and_the_partial_file_is_gone(tmp_path):
    out = written(tmp_path, {"databases/kpi.sql": DUMP})
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [path.name for path in tmp_path.iterdir()] == ["a.backup"]


def test_an_abandoned_archive_leaves_nothing(tmp_path):
    writer = ArchiveWriter(tmp_path / "a.backup")
    writer.add_chunks("databases/kpi.sql", [DUMP])
    writer.abandon()
    assert list(tmp_path.iterdir()) == []


def test_verify_refuses_a_member_the_manifest_does_not_list(tmp_path):
    source = written(tmp_path, {"databases/kpi.sql": DUMP})
    extra = rewritten(source, tmp_path / "extra.backup", extra={"documents/1/slipped-in": b"x"})
    with pytest.raises(BackupError, match="slipped-in', which its manifest does not list"):
        verify(extra)


def test_verify_refuses_an_archive_missing_a_listed_member(tmp_path):
    source = written(tmp_path, {"databases/kpi.sql": DUMP, "databases/notifier.sql": DUMP})
    missing = rewritten(source, tmp_path / "missing.backup", keep=lambda name: "kpi" not in name)
    with pytest.raises(BackupError, match="lacks databases/kpi.sql"):
        verify(missing)


def test_verify_refuses_an_archive_without_a_manifest(tmp_path):
    source = written(tmp_path, {"databases/kpi.sql": DUMP})
    bare = rewritten(source, tmp_path / "bare.backup", keep=lambda name: name != "manifest.json")
    with pytest.raises(BackupError, match="no manifest"):
        verify(bare)


@pytest.mark.parametrize("name", ["documents/../escape", "documents//etc/passwd", "documents/"])
def test_a_document_name_outside_its_folder_is_refused(tmp_path, name):
    with pytest.raises(BackupError, match="outside its folder"):
        restore_document(tmp_path / "documents", name, io.BytesIO(b"x"))
    assert not (tmp_path / "escape").exists()


def test_a_restored_document_is_private(tmp_path):
    restore_document(tmp_path, "documents/3/0f1e", io.BytesIO(b"%PDF"))
    assert (tmp_path / "3" / "0f1e").read_bytes() == b"%PDF"
    assert stat.S_IMODE((tmp_path / "3" / "0f1e").stat().st_mode) == 0o600


def test_the_binlog_position_comes_from_the_dump_head():
    head = b"-- Position to start replication or point-in-time recovery from\n--\n\n" + (
        b"-- CHANGE MASTER TO MASTER_LOG_FILE='edquill-bin.000042', MASTER_LOG_POS=95919;\n"
    )
    assert binlog_position(head) == {"file": "edquill-bin.000042", "position": 95919}
    assert binlog_position(b"-- MySQL dump 10.19\n") is None


def test_an_archive_of_another_format_is_named_as_such(tmp_path):
    older = tmp_path / "older.backup"
    manifest = b'{"format": 1, "services": ["registrar"]}'
    with tarfile.open(older, "w:gz") as archive:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
    with pytest.raises(BackupError, match="a backup of format 1; this EdQuill reads format 2"):
        verify(older)
