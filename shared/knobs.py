"""A service's tuning knobs read from the environment: a dataclass of defaults, each field
overridable by one variable, validated once at start-up (see each service's config.py)."""

from __future__ import annotations

import os
from dataclasses import fields, replace
from typing import Mapping

from shared.config_error import ConfigError


def knobs_from_env(cls, prefix: str, environ: Mapping[str, str] | None = None):
    """A service's tuning knobs: `cls` is a dataclass of defaults with a validate(); each field
    can be overridden by the variable PREFIX + FIELD_NAME (numbers parsed, text as is)."""
    env = os.environ if environ is None else environ
    changes = {}
    for item in fields(cls):
        variable = f"{prefix}{item.name.upper()}"
        if variable not in env:
            continue
        kind = type(item.default)
        try:
            changes[item.name] = kind(env[variable]) if kind in (int, float) else env[variable]
        except ValueError:
            raise ConfigError(f"{variable} must be a number, got {env[variable]!r}") from None
    config = replace(cls(), **changes)
    config.validate()
    return config
