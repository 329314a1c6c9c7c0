"""SMTP: one connection kept open across messages, opened again when it is lost.

Where the server offers PIPELINING (RFC 2920), a message's MAIL, RCPT and DATA go in one write
and their replies are read in order: two round trips a message instead of four, which is most
of what a message costs on a fast connection and more on a slow one. Elsewhere, smtplib's
sendmail, one command at a time.

How a connection is made safe comes from EDQUILL_SMTP_URL (shared.smtp_url.SmtpServer): TLS
from the start (smtps://) or after STARTTLS, certificates verified with the host name checked,
and the password sent only once TLS is up (or where the URL explicitly allows plaintext).

Failures come out as two kinds: `TemporaryFailure` (4xx, the server cannot be reached, or it
cannot be talked to safely: try again later) and `PermanentFailure` (5xx: this message will
never be accepted). Neither carries the password, which is never logged.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl

from notifier.domain.delivery import is_permanent_reply
from notifier.metrics import SMTP_REFUSALS
from shared.config_error import ConfigError
from shared.smtp_url import SmtpServer

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """Try this message again later."""

    # After send_attempts tries the message is failed for good (an outage has to end some time).
    counts_toward_giving_up = True

    def __init__(self, reason: str, *, server_down: bool = False):
        super().__init__(reason)
        self.server_down = server_down  # the connection, not the message, is at fault


class PermanentFailure(Exception):
    """The server refused this message for good."""


class UnsafeServer(TemporaryFailure):
    """The server cannot be talked to as the URL demands (no TLS, an untrusted certificate, a
    refused login): nothing is sent, the message waits for the server to be fixed."""

    # The URL or the provider's set-up is at fault, not the message: it waits for the fix,
    # however long that takes, instead of failing after send_attempts.
    counts_toward_giving_up = False

    def __init__(self, reason: str, kind: str):
        super().__init__(reason, server_down=True)
        self.kind = kind  # the metric's label: no_starttls, certificate, tls, auth


class SmtpSender:
    def __init__(self, server: SmtpServer, timeout: float):
        self._server = server
        self._timeout = timeout
        self._tls = _tls_context(server)
        self._client: smtplib.SMTP | None = None

    @property
    def server(self) -> str:
        """host:port, for logs (never the credentials)."""
        return self._server.address

    def send(self, envelope_from: str, recipient: str, data: bytes) -> None:
        """Hand one message to the server; returns once it accepted it (250 after DATA)."""
        reused = self._client is not None
        try:
            self._send_once(envelope_from, recipient, data)
        except smtplib.SMTPServerDisconnected:
            self.close()
            if not reused:
                raise TemporaryFailure(
                    f"{self.server} closed the connection", server_down=True
                ) from None
            # A kept connection the server had closed while idle: one fresh try.
            try:
                self._send_once(envelope_from, recipient, data)
            except smtplib.SMTPServerDisconnected:
                self.close()
                raise TemporaryFailure(
                    f"{self.server} closed the connection", server_down=True
                ) from None

    def _send_once(self, envelope_from: str, recipient: str, data: bytes) -> None:
        client = self._connected()
        try:
            if client.has_extn("pipelining"):
                _send_pipelined(client, envelope_from, recipient, data)
            else:
                client.sendmail(envelope_from, [recipient], data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = exc.recipients.get(recipient, (None, b""))
            raise _failure(code, f"recipient refused: {code} {_text(text)}") from None
        except smtplib.SMTPServerDisconnected:
            raise
        except smtplib.SMTPResponseException as exc:
            # smtplib has already reset the session (or closed it, on a 421).
            raise _failure(exc.smtp_code, f"{exc.smtp_code} {_text(exc.smtp_error)}") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise TemporaryFailure(
                f"{self.server}: {type(exc).__name__}: {exc}", server_down=True
            ) from None

    def _connected(self) -> smtplib.SMTP:
        if self._client is not None:
            return self._client
        try:
            client = self._open()
        except (OSError, smtplib.SMTPException, UnsafeServer) as exc:
            failure = _connection_failure(exc, self.server)
            if isinstance(failure, UnsafeServer):
                SMTP_REFUSALS.labels(failure.kind).inc()
            raise failure from None
        self._client = client
        return client

    def _open(self) -> smtplib.SMTP:
        """A connection ready for MAIL FROM: TLS and login as the URL demands."""
        server = self._server
        if server.implicit_tls:
            client = smtplib.SMTP_SSL(
                server.host, server.port, timeout=self._timeout, context=self._tls
            )
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=self._timeout)
        try:
            client.ehlo_or_helo_if_needed()
            encrypted = server.implicit_tls or self._start_tls(client)
            if server.user:
                if not encrypted and not server.plaintext_auth:
                    # Only reached with starttls=opportunistic: "required" refused earlier.
                    raise UnsafeServer(
                        f"{self.server} offers no STARTTLS: the password is not sent without TLS",
                        "no_starttls",
                    )
                self._log_in(client)
        except BaseException:
            client.close()
            raise
        return client

    def _log_in(self, client: smtplib.SMTP) -> None:
        try:
            client.login(self._server.user, self._server.password)
        except smtplib.SMTPNotSupportedError:
            raise UnsafeServer(f"{self.server} offers no AUTH: cannot log in", "auth") from None

    def _start_tls(self, client: smtplib.SMTP) -> bool:
        """Upgrade to TLS when the URL wants it and the server offers it; True if it did."""
        if self._server.starttls == "off":
            return False
        if not client.has_extn("starttls"):
            if self._server.starttls == "required":
                raise UnsafeServer(
                    f"{self.server} offers no STARTTLS, which "
                    f"EDQUILL_SMTP_URL requires (starttls=required)",
                    "no_starttls",
                )
            return False
        try:
            client.starttls(context=self._tls)
        except smtplib.SMTPResponseException as exc:
            raise UnsafeServer(
                f"{self.server} refused STARTTLS: {exc.smtp_code} {_text(exc.smtp_error)}", "tls"
            ) from None
        client.ehlo()
        return True

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            try:
                client.close()
            except OSError:
                pass


# A line of the message that starts with a dot gets a second one (RFC 5321 4.5.2).
_LEADING_DOT = re.compile(rb"(?m)^\.")
# A reply that says the server is closing the connection: nothing more is said on it.
CLOSING = 421


def _send_pipelined(client: smtplib.SMTP, envelope_from: str, recipient: str, data: bytes) -> None:
    """What sendmail does, with the envelope in one write: MAIL, RCPT and DATA together, their
    three replies in order, then the message once DATA is answered 354. Raises what sendmail
    raises (sender, recipient or data refused), the session reset for the next message."""
    size = f" SIZE={len(data)}" if client.has_extn("size") else ""
    client.send(
        f"MAIL FROM:{smtplib.quoteaddr(envelope_from)}{size}\r\n"
        f"RCPT TO:{smtplib.quoteaddr(recipient)}\r\n"
        "DATA\r\n"
    )
    mail, rcpt, start = client.getreply(), client.getreply(), client.getreply()
    if mail[0] != 250:
        _end_refused_transaction(client, (mail, rcpt, start))
        raise smtplib.SMTPSenderRefused(mail[0], mail[1], envelope_from)
    if rcpt[0] not in (250, 251):
        _end_refused_transaction(client, (mail, rcpt, start))
        raise smtplib.SMTPRecipientsRefused({recipient: rcpt})
    if start[0] != 354:
        _end_refused_transaction(client, (mail, rcpt, start))
        raise smtplib.SMTPDataError(*start)
    content = _LEADING_DOT.sub(b"..", data)
    if not content.endswith(b"\r\n"):
        content += b"\r\n"
    client.send(content + b".\r\n")
    code, text = client.getreply()
    if code != 250:
        if code == CLOSING:
            client.close()
        raise smtplib.SMTPDataError(code, text)


def _end_refused_transaction(client: smtplib.SMTP, replies) -> None:
    """After a refused MAIL or RCPT: a DATA the server still took gets an empty message's end
    (RFC 2920 3.1), then RSET, so the next message starts clean. A server closing the
    connection, or one that cannot be reset, leaves it closed: the next message opens another."""
    if any(code == CLOSING for code, _text in replies):
        client.close()
        return
    try:
        if replies[-1][0] == 354:
            client.send(b".\r\n")
            client.getreply()
        client.rset()
    except (OSError, smtplib.SMTPException):
        client.close()


def _tls_context(server: SmtpServer) -> ssl.SSLContext:
    """Verifies the certificate and the host name; the URL's cafile, else the system's CAs.
    Built at start, so an unreadable CA file stops the worker instead of every delivery."""
    try:
        return ssl.create_default_context(cafile=server.cafile)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            f"EDQUILL_SMTP_URL cafile= {server.cafile!r} holds no usable certificate: {exc}"
        ) from None


def _connection_failure(exc: Exception, server: str) -> TemporaryFailure:
    """Why a connection could not be opened, as the failure the sender acts on."""
    if isinstance(exc, UnsafeServer):
        return exc
    if isinstance(exc, ssl.SSLCertVerificationError):
        return UnsafeServer(
            f"{server}: TLS certificate not trusted: {exc.verify_message}", "certificate"
        )
    if isinstance(exc, ssl.SSLError):
        return UnsafeServer(f"{server}: TLS failed: {exc.reason or exc}", "tls")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return UnsafeServer(
            f"{server} refused our login: {exc.smtp_code} {_text(exc.smtp_error)}", "auth"
        )
    return TemporaryFailure(f"cannot reach {server}: {type(exc).__name__}: {exc}", server_down=True)


def _failure(code: int | None, reason: str) -> Exception:
    return PermanentFailure(reason) if is_permanent_reply(code) else TemporaryFailure(reason)


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
