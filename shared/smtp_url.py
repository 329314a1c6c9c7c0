"""EDQUILL_SMTP_URL read into an `SmtpServer`: where mail goes and how safely it gets there.

The one parser of the URL (shared.config's Settings.smtp calls it); every fault it finds is a
ConfigError naming EDQUILL_SMTP_URL, and no error text shows the password (see redact_url).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from shared.config_error import ConfigError

STARTTLS_MODES = ("required", "opportunistic", "off")
PLAINTEXT_AUTH_MODES = ("refuse", "allow")
SMTP_PARAMETERS = ("starttls", "plaintext_auth", "cafile")


@dataclass(frozen=True)
class SmtpServer:
    """EDQUILL_SMTP_URL, parsed and checked: where mail goes and how safely.

    smtp:// speaks plain SMTP and upgrades with STARTTLS; smtps:// is TLS from the first byte.
    A password never crosses a connection without TLS unless the URL says
    starttls=off&plaintext_auth=allow. Certificates are always verified, against the system's
    CAs or `cafile`.
    """

    host: str
    port: int
    implicit_tls: bool
    # "required": no TLS, no mail; "opportunistic": TLS whenever the server offers it.
    starttls: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    plaintext_auth: bool = False
    cafile: str | None = None

    @property
    def address(self) -> str:
        """host:port, for logs and error texts (never the credentials)."""
        return f"{self.host}:{self.port}"

    @classmethod
    def from_url(cls, url: str) -> "SmtpServer":
        parts = urlsplit(url)
        host, port = _smtp_host_and_port(url, parts)
        user, password = _smtp_credentials(parts)
        implicit_tls = parts.scheme == "smtps"
        options = _smtp_options(parts.query)
        starttls, plaintext_auth = _smtp_tls_modes(options, implicit_tls, bool(user))
        cafile = _smtp_cafile(options.get("cafile"), implicit_tls or starttls != "off")
        return cls(
            host=host,
            port=port or (465 if implicit_tls else 25),
            implicit_tls=implicit_tls,
            starttls=starttls,
            user=user,
            password=password,
            plaintext_auth=plaintext_auth,
            cafile=cafile,
        )


def _smtp_host_and_port(url: str, parts) -> tuple[str, int | None]:
    if parts.scheme not in ("smtp", "smtps"):
        raise _smtp_error(f"must start with smtp:// or smtps://, got {redact_url(url)!r}")
    if parts.path not in ("", "/") or parts.fragment:
        raise _smtp_error("names a server only: drop the path or fragment")
    if not parts.hostname:
        raise _smtp_error("names no host, e.g. smtp://user:pass@mail.example:587")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise _smtp_error("has a port that is not a number between 1 and 65535")
    return parts.hostname, port


def _smtp_credentials(parts) -> tuple[str | None, str | None]:
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    if bool(user) != bool(password):
        raise _smtp_error("takes a user and a password together (user:password@host), or neither")
    return user, password


def _smtp_tls_modes(options: dict[str, str], implicit_tls: bool, logs_in: bool) -> tuple[str, bool]:
    """(starttls mode, whether a password may cross without TLS)."""
    if implicit_tls and "starttls" in options:
        raise _smtp_error("smtps:// is TLS from the start: starttls= applies to smtp://")
    # With credentials TLS is a must; without, a server that offers it is still used.
    starttls = options.get("starttls", "required" if logs_in else "opportunistic")
    _check_choice("starttls", starttls, STARTTLS_MODES)
    plaintext_auth = options.get("plaintext_auth", "refuse")
    _check_choice("plaintext_auth", plaintext_auth, PLAINTEXT_AUTH_MODES)
    if plaintext_auth == "allow" and (starttls != "off" or implicit_tls or not logs_in):
        raise _smtp_error(
            "plaintext_auth=allow goes with smtp://user:pass@...?starttls=off "
            "only: anywhere else the password is sent over TLS"
        )
    if logs_in and starttls == "off" and plaintext_auth != "allow":
        raise _smtp_error(
            "starttls=off would send the password in plaintext: add "
            "plaintext_auth=allow if that is really meant"
        )
    return starttls, plaintext_auth == "allow"


def _smtp_cafile(cafile: str | None, tls_possible: bool) -> str | None:
    if cafile is None:
        return None
    if not tls_possible:
        raise _smtp_error("cafile= needs TLS, and starttls=off turns it off")
    if not (os.path.isabs(cafile) and os.path.isfile(cafile) and os.access(cafile, os.R_OK)):
        raise _smtp_error(
            f"cafile= must be the absolute path of a readable PEM file, got {cafile!r}"
        )
    return cafile


def redact_url(url: str) -> str:
    """The URL with its password replaced, fit for a log line or an error text."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.netloc.rsplit('@', 1)[1]}"
    return urlunsplit(parts._replace(netloc=netloc))


def _smtp_options(query: str) -> dict[str, str]:
    options: dict[str, str] = {}
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise _smtp_error(f"has a malformed query {query!r}: use ?name=value&name=value") from None
    for name, value in pairs:
        if name not in SMTP_PARAMETERS:
            raise _smtp_error(
                f"has an unknown parameter {name!r} (known: {', '.join(SMTP_PARAMETERS)})"
            )
        if name in options:
            raise _smtp_error(f"gives {name}= twice")
        options[name] = value
    return options


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise _smtp_error(f"{name}= takes {'|'.join(choices)}, got {value!r}")


def _smtp_error(problem: str) -> "ConfigError":
    return ConfigError(f"EDQUILL_SMTP_URL {problem}")
