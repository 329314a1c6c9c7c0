"""The backup archive's format: a gzipped tar whose last member is a manifest of every other.

Members are written as they are produced and never held in memory: a member whose size is
not known up front (a database dump read from a pipe) is spooled to an unnamed temporary file
beside the archive first, because a tar header states its member's size. The manifest names
each member with its size and sha256, so an archive can be checked without restoring it.
The archive is private from its first byte (mode 0600) and only takes its name once whole.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import json
import os
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

MANIFEST = "manifest.json"
GZIP_MAGIC = b"\x1f\x8b"
FORMAT_VERSION = 2
# gzip's own default level. On a 1M-registration dump (bench/backup.py): level 1 is 2.6 times
# faster but 25% larger, level 9 nearly twice as slow for 3% smaller. gzip, not zstd (faster
# than level 1 at level 6's size): every host and the standard library read it, no package.
COMPRESS_LEVEL = 6
# Bytes copied at a time between a pipe, a spool file and the archive.
CHUNK_BYTES = 1024 * 1024


# What reading a damaged gzip stream or tar raises, from where the damage is met.
CORRUPT = (EOFError, tarfile.TarError, gzip.BadGzipFile, zlib.error)


class BackupError(RuntimeError):
    """A backup, restore or check that cannot go on; the message is one line for the operator."""


class HashingReader:
    """A file-like reader that counts and hashes what passes through it."""

    def __init__(self, source: BinaryIO):
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


@dataclass
class ArchiveWriter:
    """Writes `out` through `out.partial`; `finish` writes the manifest and renames."""

    out: Path
    members: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.partial = self.out.with_name(self.out.name + ".partial")
        self.partial.unlink(missing_ok=True)
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(descriptor, "wb")
        self._tar = tarfile.open(
            fileobj=self._file,
            mode="w:gz",
            compresslevel=COMPRESS_LEVEL,
            copybufsize=CHUNK_BYTES,
        )

    def add_chunks(self, name: str, chunks: Iterable[bytes]) -> None:
        """A member of unknown size, spooled to disk beside the archive first."""
        with tempfile.TemporaryFile(dir=self.out.parent) as spool:  # 0600, and already unlinked
            for chunk in chunks:
                spool.write(chunk)
            size = spool.tell()
            spool.seek(0)
            self._add(name, spool, size)

    def add_file(self, name: str, path: Path) -> None:
        with open(path, "rb") as source:
            self._add(name, source, os.fstat(source.fileno()).st_size)

    def finish(self, **facts) -> dict:
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(timezone.utc).isoformat(),
            **facts,
            "members": self.members,
        }
        data = json.dumps(manifest, indent=2).encode()
        info = _member_info(MANIFEST, len(data))
        self._tar.addfile(info, _BytesReader(data))
        self._tar.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self.partial.replace(self.out)  # a backup file is either whole or absent
        _sync_folder(self.out.parent)  # and the rename itself survives a crash
        return manifest

    def abandon(self) -> None:
        """Close and remove the partial archive after a failure."""
        for closing in (self._tar.close, self._file.close):
            try:
                closing()
            except OSError:
                pass
        self.partial.unlink(missing_ok=True)

    def _add(self, name: str, source: BinaryIO, size: int) -> None:
        reader = HashingReader(source)
        self._tar.addfile(_member_info(name, size), reader)
        self.members[name] = {"size": reader.size, "sha256": reader.digest.hexdigest()}


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.offset = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk, self.offset = self.data[self.offset : end], min(end, len(self.data))
        return chunk


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _member_info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(datetime.now(timezone.utc).timestamp())
    return info


def disk_error(exc: OSError, where: Path) -> BackupError:
    """An OSError while writing, said in the operator's words."""
    if exc.errno == errno.ENOSPC:
        return BackupError(f"no space left on the device holding {where}")
    return BackupError(f"cannot write {where}: {exc.strerror or exc}")


def members(source: Path) -> Iterator[tuple[tarfile.TarInfo, HashingReader]]:
    """Every member of the archive in order, each with a reader that hashes it (read it before
    taking the next). Raises BackupError when the file is not a readable gzipped tar."""
    _require_gzip(source)
    try:
        # gzip (not tarfile's own stream) checks the trailer's CRC and length at the end.
        with gzip.open(source, "rb") as stream, tarfile.open(fileobj=stream, mode="r|") as archive:
            for info in archive:
                if not info.isfile():
                    raise BackupError(f"{source} holds {info.name!r}, which is not a file")
                yield info, _MemberReader(archive.extractfile(info), source)
            while stream.read(CHUNK_BYTES):  # past the tar's end, up to the gzip trailer
                pass
    except CORRUPT as exc:
        raise _corrupt(source, exc) from None
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror or exc}") from None


class _MemberReader(HashingReader):
    """A member's reader: a fault in the bytes under it is the archive's, said as such."""

    def __init__(self, content: BinaryIO, source: Path):
        super().__init__(content)
        self.archive = source

    def read(self, size: int = -1) -> bytes:
        try:
            return super().read(size)
        except CORRUPT as exc:
            raise _corrupt(self.archive, exc) from None


def _corrupt(source: Path, exc: Exception) -> BackupError:
    return BackupError(f"{source} is truncated or corrupt ({exc or type(exc).__name__})")


def _require_gzip(source: Path) -> None:
    try:
        with open(source, "rb") as file:
            magic = file.read(len(GZIP_MAGIC))
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror or exc}") from None
    if magic != GZIP_MAGIC:
        raise BackupError(f"{source} is not an EdQuill backup (not gzip-compressed)")


def drain(reader: HashingReader) -> None:
    while reader.read(CHUNK_BYTES):
        pass


def parse_manifest(source: Path, data: bytes) -> dict:
    try:
        manifest = json.loads(data)
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or "format" not in manifest:
        raise BackupError(f"{source} is not an EdQuill backup (no readable manifest)")
    if manifest["format"] != FORMAT_VERSION:
        raise BackupError(
            f"{source} is a backup of format {manifest['format']}; "
            f"this EdQuill reads format {FORMAT_VERSION}"
        )
    return manifest


def check_member(source: Path, manifest: dict, name: str, reader: HashingReader) -> None:
    """Raise BackupError unless what was read of `name` is what the manifest says it holds."""
    expected = manifest["members"].get(name)
    if expected is None:
        raise BackupError(f"{source} holds {name!r}, which its manifest does not list")
    if reader.size != expected["size"] or reader.digest.hexdigest() != expected["sha256"]:
        raise BackupError(f"{source}: {name} does not match its checksum (the file was altered)")


def verify(source: Path) -> dict:
    """Read the whole archive and check every member against the manifest; returns the
    manifest. Raises BackupError naming the first fault."""
    digests: dict[str, HashingReader] = {}
    manifest = None
    for info, reader in members(source):
        if manifest is not None:
            raise BackupError(f"{source} holds {info.name!r} after its manifest")
        if info.name == MANIFEST:
            manifest = parse_manifest(source, reader.read())
            continue
        drain(reader)
        digests[info.name] = reader
    if manifest is None:
        raise BackupError(f"{source} is not an EdQuill backup (no manifest)")
    for name, reader in digests.items():
        check_member(source, manifest, name, reader)
    missing = set(manifest["members"]) - set(digests)
    if missing:
        raise BackupError(f"{source} lacks {sorted(missing)[0]}, which its manifest lists")
    return manifest
