"""`edquill backup --out FILE`, `edquill backup --verify FILE` and `edquill restore FILE`.

One archive holds every service database (a mysqldump of each, one consistent snapshot per
database, with its triggers and routines), the uploaded documents and a manifest of sizes and
sha256 sums (the format: shared/backup_archive). Restore loads the dumps into the databases of
the current EDQUILL_DB_PREFIX, so a backup can also seed another environment; it only ever
writes into empty databases and an empty documents folder, and checks the whole archive before
it writes anything. Operators' guide: docs/backups.md.
"""

from __future__ import annotations

from pathlib import Path

import click

from shared import backup_mysql, db
from shared.backup_archive import (
    MANIFEST,
    ArchiveWriter,
    BackupError,
    check_member,
    disk_error,
    drain,
    members,
    verify,
)
from shared.backup_documents import document_files, holds_files, is_document, restore_document
from shared.config import SERVICE_DATABASES, Settings


def dump_member(service: str) -> str:
    return f"databases/{service}.sql"


def backup(settings: Settings, out: Path) -> dict:
    """Write every service database and every document to `out`; returns the manifest."""
    backup_mysql.tool("mysqldump", "mariadb-dump")
    record_binlog = backup_mysql.binary_log_is_on(settings)
    try:
        writer = ArchiveWriter(out)
    except OSError as exc:
        raise disk_error(exc, out) from None
    try:
        databases = {
            service: _add_dump(settings, writer, service, record_binlog)
            for service in SERVICE_DATABASES
        }
        documents = 0
        for name, path in document_files(Path(settings.documents_dir)):
            writer.add_file(name, path)
            documents += 1
        return writer.finish(db_prefix=settings.db_prefix, databases=databases, documents=documents)
    except OSError as exc:
        writer.abandon()
        raise disk_error(exc, out) from None
    except BaseException:
        writer.abandon()
        raise


def _add_dump(settings: Settings, writer: ArchiveWriter, service: str, record_binlog: bool) -> dict:
    head = bytearray()

    def chunks():
        for chunk in backup_mysql.dump_chunks(settings, service, record_binlog):
            if len(head) < backup_mysql.DUMP_HEAD_BYTES:
                head.extend(chunk[: backup_mysql.DUMP_HEAD_BYTES - len(head)])
            yield chunk

    writer.add_chunks(dump_member(service), chunks())
    return {
        "database": settings.database(service),
        "member": dump_member(service),
        "binlog": backup_mysql.binlog_position(bytes(head)),
    }


def restore(settings: Settings, source: Path) -> dict:
    """Load `source` into this environment's empty databases and documents folder; returns
    the manifest. Raises BackupError before writing anything if the archive is not whole or
    the target is not empty."""
    backup_mysql.tool("mysql", "mariadb")
    documents_root = Path(settings.documents_dir)
    _refuse_unless_empty(settings, SERVICE_DATABASES, documents_root)
    manifest = verify(source)
    services = _services_of(source, manifest)
    for service in services:
        db.ensure_database(settings, service)
    loads = {dump_member(service): service for service in services}
    for info, content in members(source):
        if info.name == MANIFEST:
            continue
        if info.name in loads:
            backup_mysql.load(settings, loads[info.name], content)
        elif is_document(info.name):
            restore_document(documents_root, info.name, content)
        drain(content)
        # The file was checked whole before; this catches one changed since, member by member.
        check_member(source, manifest, info.name, content)
    return manifest


def _services_of(source: Path, manifest: dict) -> list[str]:
    services = list(manifest.get("databases", {}))
    unknown = [service for service in services if service not in SERVICE_DATABASES]
    if unknown or not services:
        raise BackupError(f"{source} holds databases this EdQuill does not know: {unknown}")
    return services


def _refuse_unless_empty(settings: Settings, services, documents_root: Path) -> None:
    for service in services:
        tables = backup_mysql.tables_in(settings, service)
        if tables:
            raise BackupError(
                f"{settings.database(service)} already holds {tables} tables: restore only "
                f"into empty databases (drop them, or set another EDQUILL_DB_PREFIX)"
            )
    if holds_files(documents_root):
        raise BackupError(
            f"{documents_root} already holds files: restore only into an empty documents folder"
        )


def summary(source: Path, manifest: dict) -> str:
    databases = ", ".join(entry["database"] for entry in manifest["databases"].values())
    size = sum(member["size"] for member in manifest["members"].values())
    return (
        f"{source}: intact, taken {manifest['created_at']}; databases {databases}; "
        f"{manifest['documents']} documents; {len(manifest['members'])} members, "
        f"{size:,} bytes before compression"
    )


@click.command("backup")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a new archive here (mode 0600; FILE.partial until it is whole).",
)
@click.option(
    "--verify",
    "to_verify",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Check an archive without restoring it: manifest, every member's size and sha256.",
)
@click.pass_obj
def backup_command(settings: Settings, out: Path | None, to_verify: Path | None) -> None:
    """Back up every service database and the uploaded documents into one archive, or check
    one (--verify). Temporary space: the largest database's dump, spooled beside FILE."""
    if (out is None) == (to_verify is None):
        raise click.UsageError("give either --out FILE or --verify FILE")
    try:
        if to_verify is not None:
            click.echo(summary(to_verify, verify(to_verify)))
            return
        manifest = backup(settings, out)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(summary(out, manifest).replace(": intact, taken", ": written, taken", 1))


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def restore_command(settings: Settings, source: Path) -> None:
    """Restore every service database and the documents from a backup archive.

    The archive is checked whole first. The databases of EDQUILL_DB_PREFIX must be empty or
    absent, and EDQUILL_DOCUMENTS_DIR must hold no files: restore refuses otherwise and has
    no --force (drop the databases, or restore under another prefix). Stop the services first.
    """
    try:
        manifest = restore(settings, source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    databases = ", ".join(settings.database(service) for service in manifest["databases"])
    click.echo(f"restored {databases} and {manifest['documents']} documents from {source}")
