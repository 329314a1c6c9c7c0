"""Document bytes on the local disk, under EDQUILL_DOCUMENTS_DIR (outside any web root).

Files are named by a random key under their school's folder, never by anything the client
sent, so no upload can choose where it lands. A file is written to a temporary name first and
only takes its key once it is known to be acceptable.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

# Bytes read from the upload at a time.
CHUNK_BYTES = 64 * 1024


class FileTooLarge(Exception):
    pass


@dataclass(frozen=True)
class SpooledFile:
    path: Path
    size_bytes: int
    sha256: str
    head: bytes


class DocumentFiles:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def spool(
        self, school_id: int, stream: BinaryIO, max_bytes: int, head_bytes: int
    ) -> SpooledFile:
        """Copy an upload to a temporary file, counting and hashing; raises FileTooLarge (and
        leaves nothing behind) past max_bytes."""
        folder = self._folder(school_id)
        path = folder / f".upload-{secrets.token_hex(16)}"
        digest, size, head = hashlib.sha256(), 0, b""
        try:
            with open(path, "xb") as out:
                os.chmod(path, 0o600)
                while chunk := stream.read(CHUNK_BYTES):
                    size += len(chunk)
                    if size > max_bytes:
                        raise FileTooLarge()
                    if len(head) < head_bytes:
                        head += chunk[: head_bytes - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return SpooledFile(path, size, digest.hexdigest(), head)

    def keep(self, school_id: int, spooled: SpooledFile) -> str:
        """Give a spooled file its permanent key; returns the key."""
        key = f"{school_id}/{secrets.token_hex(16)}"
        os.replace(spooled.path, self.root / key)
        return key

    def path_of(self, key: str) -> Path:
        return self.root / key

    def discard(self, path_or_key: Path | str) -> None:
        path = path_or_key if isinstance(path_or_key, Path) else self.root / path_or_key
        path.unlink(missing_ok=True)

    def _folder(self, school_id: int) -> Path:
        folder = self.root / str(int(school_id))
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder
