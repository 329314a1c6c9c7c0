"""The one look of the families' link pages (unsubscribe, confirm again): small, no scripts,
never cached, no referrer (the address holds a bearer token), in the family's language
(shared.page_language): the one the e-mail's link names (`?lang=`, the e-mail's own language;
the page's form posts back to the same address, so its answer keeps it), else the browser's,
else the school's default."""

from __future__ import annotations

from flask import Response, render_template, request

from notifier.service_layer.schools import school_language
from shared.page_language import use_family_language
from shared.web import request_db


def family_page(status: int, template: str, *, school_id: int | None = None, **context) -> Response:
    """`template`: a page of templates/links/, rendered with `context` (autoescaped)."""
    default = school_language(request_db("notifier"), school_id) if school_id else None
    use_family_language(chosen=request.args.get("lang"), school_default=default)
    return Response(
        render_template(f"links/{template}.html", **context),
        status=status,
        content_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )
