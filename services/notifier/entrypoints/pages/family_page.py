"""The one look of the families' link pages (unsubscribe, confirm again): small, no scripts,
never cached, no referrer (the address holds a bearer token)."""

from __future__ import annotations

from html import escape

from flask import Response


def family_page(status: int, title: str, body: str) -> Response:
    """`body` is HTML the caller escaped."""
    html = (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>body{{font-family:sans-serif;max-width:36em;"
        "margin:3em auto;padding:0 1em;line-height:1.5}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return Response(
        html,
        status=status,
        content_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )
