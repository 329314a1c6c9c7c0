"""The e-mail itself: one logged message as RFC 5322 bytes, text and HTML alternatives, with
the headers a bulk sender owes its recipients (List-Unsubscribe, one-click per RFC 8058).

Written out directly, in the shape the email package's classic MIME classes give it
(multipart/alternative, each part UTF-8 as quoted-printable), with the email package encoding
only what needs it (a header beyond ASCII as RFC 2047 words, the bodies as quoted-printable):
building MIME objects and flattening them through the generator took longer than the SMTP
conversation itself, for a structure that is the same in every message. Header values are
ours or checked before they get here; a line break in one is refused all the same, so no value
can ever add a header of its own.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from email.charset import QP, Charset
from email.header import Header
from email.utils import format_datetime, formataddr

# UTF-8 as quoted-printable (readable where the text is ASCII), not the default base64.
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP
_UTF8.header_encoding = QP
# Headers on one line each up to RFC 5322's hard limit: the subject (at most 250 characters)
# and the List-Unsubscribe URL are never folded, which some mail clients read back badly.
MAX_LINE_LENGTH = 998
_CRLF = "\r\n"


def build_email(row: dict, mail_from: str, unsubscribe_url: str, now: datetime) -> bytes:
    """`mail_from` is the bare sender address; the name beside it was fixed with the row."""
    # QP never writes "=_" (a literal "=" is "=3D"), so no body can contain the boundary.
    boundary = f"=_{secrets.token_hex(16)}"
    lines = [
        _header("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
        "MIME-Version: 1.0",
        _header("From", formataddr((row.get("from_name") or "", mail_from), charset="utf-8")),
        _header("To", row["recipient"]),
        _header("Subject", row["subject"]),
        _header("Date", format_datetime(now)),
        # Fixed when the message was logged: a resend after a crash carries the same id, so the
        # receiving side can tell it is one message.
        _header("Message-ID", row["message_id"]),
        _header("List-Unsubscribe", f"<{unsubscribe_url}>"),
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        "Auto-Submitted: auto-generated",
        "",
    ]
    parts = [("plain", row["body_text"] or "")]
    if row.get("body_html"):
        parts.append(("html", row["body_html"]))
    for subtype, text in parts:
        lines += [
            f"--{boundary}",
            f'Content-Type: text/{subtype}; charset="utf-8"',
            "MIME-Version: 1.0",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            _UTF8.body_encode(text).replace("\n", _CRLF),
        ]
    lines += [f"--{boundary}--", ""]
    return _CRLF.join(lines).encode("ascii")


def _header(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"the {name} header may not contain a line break")
    line = f"{name}: {value}"
    if value.isascii() and len(line) <= MAX_LINE_LENGTH:
        return line
    # RFC 2047 words for what is beyond ASCII, as the email package writes them.
    encoded = Header(value, _UTF8, header_name=name).encode(_CRLF, maxlinelen=MAX_LINE_LENGTH)
    return f"{name}: {encoded}"
