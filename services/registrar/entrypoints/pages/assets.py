"""Blueprints that serve a page's own assets (CSS, JS) under the page's path, so the gateway
routes them with the page, with long caching made safe by a version in each asset's URL.

Templates write `asset_url("workspace", "workspace.css")`: the file's URL with `?v=` and the
first characters of its SHA-256, so a changed file gets a new URL and caches never serve a
stale one; only that URL is cached long.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, current_app, request, url_for

# Versioned URLs never change content: a browser may keep an asset this long.
ASSET_MAX_AGE_SECONDS = 365 * 24 * 3600


class AssetBlueprint(Blueprint):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.app_context_processor(lambda: {"asset_url": asset_url})

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """Long only for the URL that names this content: the other services' staff pages link
        the workspace's stylesheet without a version (they cannot read the file to make one),
        and a bare or outdated URL kept a year would style them with an old sheet. Those are
        revalidated on each use instead (ETag, 304)."""
        if filename and request.args.get("v") == _digest(str(Path(self.static_folder) / filename)):
            return ASSET_MAX_AGE_SECONDS
        return None


def asset_url(blueprint: str, filename: str) -> str:
    folder = current_app.blueprints[blueprint].static_folder
    return url_for(
        f"{blueprint}.static", filename=filename, v=_digest(str(Path(folder) / filename))
    )


@cache
def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
