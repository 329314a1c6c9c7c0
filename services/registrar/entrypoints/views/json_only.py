"""`json_only`: a view's body must be JSON, checked after the caller is authenticated (so a
caller without a token hears 401 first, whatever it sent)."""

from __future__ import annotations

from functools import wraps

from shared.web import require_json_body


def json_only(view):
    @wraps(view)
    def checked(*args, **kwargs):
        require_json_body()
        return view(*args, **kwargs)

    return checked
