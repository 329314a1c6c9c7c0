"""The mail sink's read-only HTTP listing of received mail.

GET / is an HTML page (newest first), GET /messages the JSON summaries (id, from, to, subject,
received_at; oldest first), GET /messages/<id> one message as received.
"""

from __future__ import annotations

import json
from html import escape
from http.server import BaseHTTPRequestHandler

from devtools.mail_store import MailDirectory, StoredMessage


def listing_handler(mail: MailDirectory) -> type[BaseHTTPRequestHandler]:
    class ListingHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0].rstrip("/")
            if path == "":
                self._send(200, "text/html; charset=utf-8", listing_page(mail.messages()))
            elif path == "/messages":
                summaries = [message.summary() for message in mail.messages()]
                self._send(200, "application/json", json.dumps(summaries).encode())
            elif path.startswith("/messages/"):
                message = mail.get(path.removeprefix("/messages/"))
                if message is None:
                    self._not_found("no such message")
                else:
                    self._send(200, "message/rfc822", message.raw())
            else:
                self._not_found("no such page")

        def _not_found(self, text: str) -> None:
            error = {"error": {"code": "not_found", "message": text, "details": {}}}
            self._send(404, "application/json", json.dumps(error).encode())

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args) -> None:
            pass  # every GET would otherwise print a line

    return ListingHandler


def listing_page(messages: list[StoredMessage]) -> bytes:
    rows = "".join(
        f"<tr><td>{m.received_at:%Y-%m-%d %H:%M:%S}Z</td><td>{escape(m.mail_from)}</td>"
        f"<td>{escape(', '.join(m.rcpt_tos))}</td>"
        f'<td><a href="/messages/{escape(m.id)}">{escape(m.subject) or "(no subject)"}</a></td>'
        "</tr>"
        for m in reversed(messages)
    )
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>EdQuill mail sink</title>'
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em .8em;text-align:left}"
        "</style></head><body><h1>Mail received</h1>"
        f'<p>{len(messages)} messages, newest first. <a href="/messages">JSON</a></p>'
        f"<table><tr><th>received (UTC)</th><th>from</th><th>to</th><th>subject</th></tr>{rows}"
        "</table></body></html>"
    ).encode()
