"""SMTP: one connection kept open across messages, opened again when it is lost.

Failures come out as two kinds: `TemporaryFailure` (4xx, or the server cannot be reached:
try again later) and `PermanentFailure` (5xx: this message will never be accepted). Neither
carries the URL's password, which is never logged.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from urllib.parse import unquote, urlsplit

from notifier.domain.delivery import is_permanent_reply

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """Try this message again later."""

    def __init__(self, reason: str, *, server_down: bool = False):
        super().__init__(reason)
        self.server_down = server_down  # the connection, not the message, is at fault


class PermanentFailure(Exception):
    """The server refused this message for good."""


class SmtpSender:
    def __init__(self, smtp_url: str, timeout: float):
        parts = urlsplit(smtp_url)
        self._secure = parts.scheme == "smtps"
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or (465 if self._secure else 25)
        self._user = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._timeout = timeout
        self._client: smtplib.SMTP | None = None

    @property
    def server(self) -> str:
        """host:port, for logs (never the credentials)."""
        return f"{self._host}:{self._port}"

    def send(self, envelope_from: str, recipient: str, data: bytes) -> None:
        """Hand one message to the server; returns once it accepted it (250 after DATA)."""
        reused = self._client is not None
        try:
            self._send_once(envelope_from, recipient, data)
        except smtplib.SMTPServerDisconnected:
            self.close()
            if not reused:
                raise TemporaryFailure(f"{self.server} closed the connection",
                                       server_down=True) from None
            # A kept connection the server had closed while idle: one fresh try.
            try:
                self._send_once(envelope_from, recipient, data)
            except smtplib.SMTPServerDisconnected:
                self.close()
                raise TemporaryFailure(f"{self.server} closed the connection",
                                       server_down=True) from None

    def _send_once(self, envelope_from: str, recipient: str, data: bytes) -> None:
        client = self._connected()
        try:
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
            raise TemporaryFailure(f"{self.server}: {type(exc).__name__}: {exc}",
                                   server_down=True) from None

    def _connected(self) -> smtplib.SMTP:
        if self._client is not None:
            return self._client
        try:
            if self._secure:
                client = smtplib.SMTP_SSL(self._host, self._port, timeout=self._timeout,
                                          context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
            client.ehlo_or_helo_if_needed()
            if not self._secure and self._user and client.has_extn("starttls"):
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if self._user:
                client.login(self._user, self._password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise TemporaryFailure(f"{self.server} refused our login: {exc.smtp_code}",
                                   server_down=True) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(f"cannot reach {self.server}: {type(exc).__name__}: {exc}",
                                   server_down=True) from None
        self._client = client
        return client

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


def _failure(code: int | None, reason: str) -> Exception:
    return PermanentFailure(reason) if is_permanent_reply(code) else TemporaryFailure(reason)


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)

