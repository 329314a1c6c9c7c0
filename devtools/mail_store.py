"""Received mail kept as .eml files in one directory, and read back from it.

Each file is the message as received, with the SMTP envelope (MAIL FROM, RCPT TO) in two
headers in front, as aiosmtpd's own Message handler does. File names start with the time of
receipt, so sorting them sorts the messages in the order they arrived.
"""

from __future__ import annotations

import os
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

MAIL_FROM_HEADER = "X-MailFrom"
RCPT_TO_HEADER = "X-RcptTo"
# A message's id: its time of receipt (sortable) and a random suffix (unique within a tick).
ID_TIME_FORMAT = "%Y%m%dT%H%M%S.%fZ"


@dataclass(frozen=True)
class StoredMessage:
    id: str
    mail_from: str
    rcpt_tos: tuple[str, ...]
    subject: str
    received_at: datetime
    path: Path

    def raw(self) -> bytes:
        return self.path.read_bytes()

    def parsed(self) -> EmailMessage:
        return message_from_bytes(self.raw(), policy=policy.default)

    def summary(self) -> dict:
        return {
            "id": self.id,
            "from": self.mail_from,
            "to": list(self.rcpt_tos),
            "subject": self.subject,
            "received_at": self.received_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }


class MailDirectory:
    """The .eml files of one sink; ids sort in the order the messages arrived."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        # A stored file never changes (it is written aside and renamed in), so each is read
        # once: a reader polling a directory of thousands of messages, as a benchmark waiting
        # for its last one does, parses only the new ones instead of every header each time.
        self._read_before: dict[str, StoredMessage] = {}
        self._reading = threading.Lock()

    def store(self, mail_from: str, rcpt_tos: list[str], content: bytes) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        received_at = datetime.now(timezone.utc)
        message_id = f"{received_at.strftime(ID_TIME_FORMAT)}-{secrets.token_hex(3)}"
        envelope = (
            f"{MAIL_FROM_HEADER}: {mail_from}\r\n{RCPT_TO_HEADER}: {', '.join(rcpt_tos)}\r\n"
        ).encode()
        partial = self.directory / f".{message_id}.tmp"
        partial.write_bytes(envelope + content)
        # A reader sees a whole message or none: the rename is atomic.
        os.replace(partial, self.directory / f"{message_id}.eml")
        return message_id

    def count(self) -> int:
        """How many messages are stored, without reading any: cheap enough to poll."""
        return len(self._names())

    def messages(self) -> list[StoredMessage]:
        names = sorted(self._names())
        with self._reading:
            known = self._read_before
            self._read_before = {
                name: known.get(name) or self._read(self.directory / name) for name in names
            }
            return list(self._read_before.values())

    def get(self, message_id: str) -> StoredMessage | None:
        path = self.directory / f"{message_id}.eml"
        if "/" in message_id or message_id.startswith(".") or not path.is_file():
            return None
        return self._read(path)

    def _names(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return [
            entry.name
            for entry in os.scandir(self.directory)
            if entry.name.endswith(".eml") and not entry.name.startswith(".")
        ]

    @staticmethod
    def _read(path: Path) -> StoredMessage:
        with path.open("rb") as stream:
            headers = message_from_bytes(_header_block(stream), policy=policy.default)
        recipients = str(headers.get(RCPT_TO_HEADER, ""))
        timestamp = path.stem.rsplit("-", 1)[0]
        return StoredMessage(
            id=path.stem,
            mail_from=str(headers.get(MAIL_FROM_HEADER, "")),
            rcpt_tos=tuple(r.strip() for r in recipients.split(",") if r.strip()),
            subject=str(headers.get("Subject", "")),
            received_at=datetime.strptime(timestamp, ID_TIME_FORMAT).replace(tzinfo=timezone.utc),
            path=path,
        )


def _header_block(stream) -> bytes:
    lines = []
    for line in stream:
        if line in (b"\r\n", b"\n"):
            break
        lines.append(line)
    return b"".join(lines)
