"""The local mail sink: an SMTP server that keeps every message it receives as a .eml file.

`MailSink` runs in-process (tests start one on an ephemeral port and point EDQUILL_SMTP_URL at
it); `edquill mailsink` runs it as a process, with an optional read-only HTTP listing
(GET /messages as JSON, GET /messages/<id> raw) so a person or a test can read what was sent.
Messages live only in the directory (devtools.mail_store): the listing and `messages()` read it
back, so a restarted sink still shows earlier mail.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

import click
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from devtools.mail_listing import listing_handler
from devtools.mail_store import MailDirectory, StoredMessage
from shared.config import Settings
from shared.paths import ROOT
from shared.worker import stop_event_on_signals

DEFAULT_DIRECTORY = ROOT / "var" / "mail"
# How long wait_for sleeps between looks at the directory when no delivery wakes it.
WAIT_POLL_SECONDS = 0.2
# How often the listing's server checks for a stop: also how long stop() may wait for it.
HTTP_SHUTDOWN_POLL_SECONDS = 0.05


def offering_pipelining(session, hostname: str, responses: list[str]) -> list[str]:
    """The EHLO reply with PIPELINING (RFC 2920) in it, as relays offer it. aiosmtpd reads the
    commands of a connection in order from one buffer, so pipelined ones are handled as sent;
    it only does not say so. (With this hook aiosmtpd leaves the client's name to it.)"""
    session.host_name = hostname
    return [*responses[:-1], "250-PIPELINING", responses[-1]]


class _StoringHandler:
    def __init__(self, mail: MailDirectory, received: threading.Condition):
        self._mail = mail
        self._received = received

    async def handle_EHLO(self, _server, session, _envelope, hostname, responses) -> list[str]:
        return offering_pipelining(session, hostname, responses)

    async def handle_DATA(self, _server, _session, envelope) -> str:
        self._mail.store(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        with self._received:
            self._received.notify_all()
        return "250 Message accepted for delivery"


def _accept_any_login(_server, _session, _envelope, _mechanism, _auth_data) -> AuthResult:
    # A client configured with credentials may log in with any; the sink is for local use only.
    return AuthResult(success=True)


class _PreBoundController(Controller):
    """aiosmtpd's Controller on a socket bound beforehand, so port 0 (any free port) works."""

    def __init__(self, handler, listening: socket.socket, **smtp_parameters):
        host, port = listening.getsockname()[:2]
        super().__init__(handler, hostname=host, port=port, **smtp_parameters)
        self._listening = listening

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self._listening)


class MailSink:
    """An SMTP server on host:port (0: any free port) storing mail in `directory`."""

    def __init__(
        self, directory: Path, host: str = "127.0.0.1", port: int = 0, http_port: int | None = None
    ):
        self.mail = MailDirectory(directory)
        self._host = host
        self._port = port
        self._http_port = http_port
        self._received = threading.Condition()
        self._controller: _PreBoundController | None = None
        self._http: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        return self._controller.port

    @property
    def url(self) -> str:
        """The EDQUILL_SMTP_URL that sends mail here."""
        return f"smtp://{self._host}:{self.port}"

    @property
    def http_url(self) -> str | None:
        if self._http is None:
            return None
        return f"http://{self._host}:{self._http.server_address[1]}"

    def start(self) -> "MailSink":
        handler = _StoringHandler(self.mail, self._received)
        self._controller = _PreBoundController(
            handler,
            _listening_socket(self._host, self._port),
            authenticator=_accept_any_login,
            auth_require_tls=False,
        )
        self._controller.start()
        if self._http_port is not None:
            self._http = ThreadingHTTPServer(
                (self._host, self._http_port), listing_handler(self.mail)
            )
            threading.Thread(
                target=self._http.serve_forever,
                args=(HTTP_SHUTDOWN_POLL_SECONDS,),
                name="mailsink-http",
                daemon=True,
            ).start()
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> "MailSink":
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    def messages(self) -> list[StoredMessage]:
        return self.mail.messages()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[StoredMessage]:
        """Wait until at least `count` messages are stored; returns what is there by then."""
        deadline = time.monotonic() + timeout
        with self._received:
            while len(self.messages()) < count and time.monotonic() < deadline:
                self._received.wait(min(WAIT_POLL_SECONDS, max(0.0, deadline - time.monotonic())))
        return self.messages()


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # Named TCP, so asyncio sets TCP_NODELAY on each accepted connection, as it does on the
    # sockets it makes itself: without it a pipelined client's second reply waits for the
    # first's delayed ACK, 40 ms a message.
    listening = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
        listening.listen(64)
    except OSError:
        listening.close()
        raise
    return listening


@click.command("mailsink")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DIRECTORY,
    show_default=True,
    help="Where .eml files are kept.",
)
@click.option(
    "--http-port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Also serve a read-only listing of received mail on this port.",
)
@click.pass_obj
def mailsink_command(settings: Settings, directory: Path, http_port: int | None) -> None:
    """Receive mail on EDQUILL_SMTP_URL's host and port and keep it as .eml files."""
    # aiosmtpd logs every connection at INFO, readiness probes included.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    server = settings.smtp
    if server.implicit_tls:
        raise click.ClickException("the mail sink speaks plain SMTP: use an smtp:// URL")
    sink = MailSink(directory, server.host, server.port, http_port)
    sink.start()
    click.echo(f"mail sink: {sink.url}, keeping mail in {directory}")
    if sink.http_url:
        click.echo(f"mail listing: {sink.http_url}/messages")
    _wait_for_stop_signal()
    sink.stop()


def _wait_for_stop_signal() -> None:
    stopping = stop_event_on_signals("mail sink")
    while not stopping.wait(1.0):
        pass
