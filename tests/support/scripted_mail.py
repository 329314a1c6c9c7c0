"""An SMTP server on loopback that a test can script: refuse some recipients (at RCPT, or after
their message's content), offer PIPELINING or not, or run a hook each time it accepts a message
(after storing it, before its 250 reply leaves).

Mail is kept the way devtools.mailsink keeps it (devtools.mail_store), so it reads back the same.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from aiosmtpd.controller import Controller

from devtools.mail_store import MailDirectory, StoredMessage
from devtools.mailsink import offering_pipelining
from devtools.ports import free_port


class _ScriptedHandler:
    def __init__(self, sink: "ScriptedMailSink"):
        self._sink = sink

    async def handle_EHLO(self, _server, session, _envelope, hostname, responses) -> list[str]:
        if self._sink.pipelining:
            return offering_pipelining(session, hostname, responses)
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, _server, _session, envelope, address, rcpt_options):
        if address.lower() in self._sink.refused:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope) -> str:
        if any(address.lower() in self._sink.refused_content for address in envelope.rcpt_tos):
            return "554 5.6.0 message content refused"
        self._sink.mail.store(
            envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content
        )
        if self._sink.on_accept is not None:
            self._sink.on_accept()
        return "250 Message accepted for delivery"


class ScriptedMailSink:
    def __init__(
        self,
        directory: Path,
        *,
        refused: set[str] = frozenset(),
        refused_content: set[str] = frozenset(),
        on_accept: Callable[[], None] | None = None,
        pipelining: bool = False,
    ):
        self.mail = MailDirectory(directory)
        self.refused = {address.lower() for address in refused}
        # Recipients whose message is refused after its content (554 at the final dot).
        self.refused_content = {address.lower() for address in refused_content}
        self.pipelining = pipelining
        self.on_accept = on_accept
        self.port = free_port()
        self._controller = Controller(_ScriptedHandler(self), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> "ScriptedMailSink":
        self._controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._controller.stop()

    def messages(self) -> list[StoredMessage]:
        return self.mail.messages()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[StoredMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages()
