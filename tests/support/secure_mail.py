"""A mail provider on loopback, for tests: a private CA and a certificate for 127.0.0.1 and
localhost, and an aiosmtpd server that offers STARTTLS, implicit TLS or neither, checks a
login, and records what a client tried: each AUTH (mechanism, user, whether over TLS) and
every byte that arrived unencrypted, so a test can tell that no password crossed in the clear.

Mail is kept the way devtools.mailsink keeps it (devtools.mail_store), so it reads back the same.
"""

from __future__ import annotations

import ipaddress
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from devtools.mail_store import MailDirectory, StoredMessage
from devtools.ports import free_port

STARTTLS, IMPLICIT_TLS, NO_TLS = "starttls", "implicit", "none"


@dataclass(frozen=True)
class Certificates:
    ca_file: Path  # what a client trusts (?cafile=)
    cert_file: Path  # the server's certificate, signed by the CA
    key_file: Path


def make_certificates(
    directory: Path, *, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
) -> Certificates:
    """A CA of the test's own and a server certificate it signed for `hosts`."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "EdQuill test CA")])
    ca = _signed(
        _builder(ca_name, ca_name, ca_key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True),
        ca_key,
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    names = [
        x509.IPAddress(ipaddress.ip_address(host)) if host[0].isdigit() else x509.DNSName(host)
        for host in hosts
    ]
    server = _signed(
        _builder(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]),
            ca_name,
            server_key.public_key(),
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        ),
        ca_key,
    )
    files = Certificates(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    files.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files.cert_file.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    files.key_file.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


def _builder(subject: x509.Name, issuer: x509.Name, public_key) -> x509.CertificateBuilder:
    now = datetime.now(timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _signed(builder: x509.CertificateBuilder, key) -> x509.Certificate:
    return builder.sign(key, hashes.SHA256())


@dataclass(frozen=True)
class AuthAttempt:
    mechanism: str
    user: str
    over_tls: bool
    accepted: bool


class _RecordingSMTP(SMTP):
    """aiosmtpd's SMTP, noting every byte that arrives before any TLS."""

    def __init__(self, handler, *, record: "ProviderServer", **kwargs):
        super().__init__(handler, **kwargs)
        self._record = record

    @property
    def encrypted(self) -> bool:
        return self._tls_protocol is not None or (
            self.transport is not None and self.transport.get_extra_info("sslcontext") is not None
        )

    def data_received(self, data: bytes) -> None:
        if not self.encrypted:
            self._record.note_plaintext(bytes(data))
        super().data_received(data)


class _Controller(Controller):
    def __init__(self, record: "ProviderServer", *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._record = record

    def factory(self):
        return _RecordingSMTP(self.handler, record=self._record, **self.SMTP_kwargs)


class _StoringHandler:
    def __init__(self, mail: MailDirectory):
        self._mail = mail

    async def handle_DATA(self, _server, _session, envelope) -> str:
        self._mail.store(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        return "250 Message accepted for delivery"


class ProviderServer:
    """An SMTP server on 127.0.0.1 (port: any free one) that wants `user`/`password`."""

    def __init__(
        self,
        directory: Path,
        certificates: Certificates,
        *,
        tls: str = STARTTLS,
        user: str = "mailer",
        password: str = "",
        mechanisms: tuple[str, ...] = ("PLAIN", "LOGIN"),
        port: int | None = None,
        host: str = "127.0.0.1",
    ):
        self.mail = MailDirectory(directory)
        self.host = host
        self.port = port or free_port()
        self.auth_attempts: list[AuthAttempt] = []
        self._plaintext = bytearray()
        self._lock = threading.Lock()
        self._credentials = (user, password)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificates.cert_file, certificates.key_file)
        smtp_options = dict(
            authenticator=self._authenticate,
            auth_require_tls=False,
            auth_exclude_mechanism=[m for m in ("PLAIN", "LOGIN") if m not in mechanisms],
        )
        if tls == STARTTLS:
            smtp_options["tls_context"] = context
        self._controller = _Controller(
            self,
            _StoringHandler(self.mail),
            hostname=host,
            port=self.port,
            ssl_context=context if tls == IMPLICIT_TLS else None,
            **smtp_options,
        )

    def _authenticate(self, server, _session, _envelope, mechanism, auth_data) -> AuthResult:
        accepted = (auth_data.login.decode(), auth_data.password.decode()) == self._credentials
        with self._lock:
            self.auth_attempts.append(
                AuthAttempt(mechanism, auth_data.login.decode(), server.encrypted, accepted)
            )
        return AuthResult(success=accepted, handled=False)  # aiosmtpd answers 535 itself

    def note_plaintext(self, data: bytes) -> None:
        with self._lock:
            self._plaintext.extend(data)

    @property
    def plaintext(self) -> bytes:
        """Every byte any client sent before TLS (or with no TLS at all)."""
        with self._lock:
            return bytes(self._plaintext)

    def __enter__(self) -> "ProviderServer":
        self._controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._controller.stop()

    def messages(self) -> list[StoredMessage]:
        return self.mail.messages()

    def wait_for(self, count: int, timeout: float = 20.0) -> list[StoredMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages()
