"""`edquill backup --out FILE` and `edquill restore FILE`: every service's database in one file.

The file is a gzipped tar holding one SQL dump per database (mysqldump with triggers, in one
consistent snapshot per database) and a manifest naming them. Restore loads each dump into the
databases of the current EDQUILL_DB_PREFIX, so a backup can also seed another environment.
The password reaches the client tools through MYSQL_PWD, never their command line.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
from datetime import datetime, timezone
from pathlib import Path

import click

from shared import db
from shared.config import SERVICE_DATABASES, Settings

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class BackupError(RuntimeError):
    pass


def _tool(*names: str) -> str:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    raise BackupError(f"{' or '.join(names)} is not installed")


def _client_args(settings: Settings) -> tuple[list[str], dict]:
    server = settings.mysql
    env = dict(os.environ, MYSQL_PWD=server.password)
    return [
        "--host",
        server.host,
        "--port",
        str(server.port),
        "--user",
        server.user,
        "--protocol",
        "TCP",
        "--default-character-set",
        "utf8mb4",
    ], env


def backup(settings: Settings, out: Path) -> list[str]:
    """Write every service database to `out`; returns the databases written."""
    dump = _tool("mysqldump", "mariadb-dump")
    args, env = _client_args(settings)
    written = []
    partial = out.with_name(out.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        for service in SERVICE_DATABASES:
            result = subprocess.run(
                [
                    dump,
                    *args,
                    "--single-transaction",
                    "--triggers",
                    "--routines",
                    "--skip-lock-tables",
                    "--hex-blob",
                    settings.database(service),
                ],
                env=env,
                capture_output=True,
            )
            if result.returncode != 0:
                partial.unlink(missing_ok=True)
                raise BackupError(
                    f"dumping {settings.database(service)} failed: "
                    f"{result.stderr.decode(errors='replace').strip()}"
                )
            _add(archive, f"{service}.sql", result.stdout)
            written.append(settings.database(service))
        _add(
            archive,
            MANIFEST,
            json.dumps(
                {
                    "format": FORMAT_VERSION,
                    "services": list(SERVICE_DATABASES),
                    "taken_at": datetime.now(timezone.utc).isoformat(),
                    "db_prefix": settings.db_prefix,
                }
            ).encode(),
        )
    partial.replace(out)  # a backup file is either whole or absent
    return written


def restore(settings: Settings, source: Path) -> list[str]:
    """Load every dump in `source` into this environment's databases (replacing their tables)."""
    client = _tool("mysql", "mariadb")
    args, env = _client_args(settings)
    try:
        archive = tarfile.open(source, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{source} is not an EdQuill backup: {exc}") from None
    with archive:
        manifest = _read_manifest(archive, source)
        restored = []
        for service in manifest["services"]:
            if service not in SERVICE_DATABASES:
                raise BackupError(f"{source} holds an unknown database {service!r}")
            dump = archive.extractfile(f"{service}.sql")
            if dump is None:
                raise BackupError(f"{source} lacks the {service} dump")
            db.ensure_database(settings, service)
            result = subprocess.run(
                [client, *args, settings.database(service)],
                env=env,
                input=dump.read(),
                capture_output=True,
            )
            if result.returncode != 0:
                raise BackupError(
                    f"restoring {settings.database(service)} failed: "
                    f"{result.stderr.decode(errors='replace').strip()}"
                )
            restored.append(settings.database(service))
    return restored


def _read_manifest(archive: tarfile.TarFile, source: Path) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{source} is not an EdQuill backup (no readable manifest)")
    return manifest


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(timezone.utc).timestamp())
    archive.addfile(info, io.BytesIO(data))


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def backup_command(settings: Settings, out: Path) -> None:
    """Back up every service database into one file."""
    try:
        written = backup(settings, out)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backed up {', '.join(written)} to {out}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def restore_command(settings: Settings, source: Path) -> None:
    """Restore every service database from a backup file (stop the services first)."""
    try:
        restored = restore(settings, source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored {', '.join(restored)} from {source}")
