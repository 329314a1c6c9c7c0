"""Uploaded documents in a backup: the files under EDQUILL_DOCUMENTS_DIR, each kept as its own
member `documents/<key>` (the key the registrar's rows name it by), read and written a chunk
at a time. Files still being uploaded (`.upload-*`) have no row yet and are left out.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterator

from shared.backup_archive import CHUNK_BYTES, BackupError

PREFIX = "documents/"
IN_FLIGHT_UPLOAD = ".upload-"


def document_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(member name, path) of every stored document under `root`, in a stable order."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.startswith(IN_FLIGHT_UPLOAD):
            yield PREFIX + path.relative_to(root).as_posix(), path


def holds_files(root: Path) -> bool:
    return root.is_dir() and any(path.is_file() for path in root.rglob("*"))


def is_document(name: str) -> bool:
    return name.startswith(PREFIX)


def restore_document(root: Path, name: str, content: BinaryIO) -> None:
    """Write one member back under `root`, private to the service's user as uploads are."""
    target = root / _safe_key(name)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{target} already exists: restore into an empty folder") from None
    with os.fdopen(descriptor, "wb") as out:
        while chunk := content.read(CHUNK_BYTES):
            out.write(chunk)


def _safe_key(name: str) -> PurePosixPath:
    """The key under the documents folder; refuses a name that would land outside it."""
    key = PurePosixPath(name[len(PREFIX) :])
    if key.is_absolute() or not key.parts or any(part in ("", ".", "..") for part in key.parts):
        raise BackupError(f"the archive names a document outside its folder: {name!r}")
    return key
