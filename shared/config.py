"""Configuration read from the environment in one place, into one typed object.

Every process builds a `Settings` once in its composition root and passes it down; nothing
else reads os.environ. A bad value fails at start-up with the variable's name.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from typing import Mapping
from urllib.parse import unquote, urlsplit

from shared.paths import ROOT

SERVICE_DATABASES = ("registrar", "notifier", "kpi", "dashboard")

DEV_SECRET_KEY = "edquill-dev-secret-key-change-me"


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class MySQLServer:
    host: str
    port: int
    user: str
    password: str

    @classmethod
    def from_url(cls, url: str) -> "MySQLServer":
        parts = urlsplit(url)
        if parts.scheme not in ("mysql", "mysql+pymysql"):
            raise ConfigError(f"EDQUILL_MYSQL_URL must start with mysql://, got {url!r}")
        if parts.path not in ("", "/"):
            raise ConfigError("EDQUILL_MYSQL_URL names a server, not a database: drop the path")
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=unquote(parts.username or "root"),
            password=unquote(parts.password or ""),
        )


@dataclass(frozen=True)
class Settings:
    mysql_url: str = "mysql://root@127.0.0.1:3306"
    db_prefix: str = "edquill_"
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"
    exchange: str = "edquill.events"
    smtp_url: str = "smtp://127.0.0.1:1025"
    ports: Mapping[str, int] = field(default_factory=lambda: {
        "registrar": 8001, "dashboard": 8002, "kpi": 8003, "notifier": 8004, "gateway": 8080,
    })
    registrar_url: str = "http://127.0.0.1:8001"
    kpi_url: str = "http://127.0.0.1:8003"
    notifier_url: str = "http://127.0.0.1:8004"
    # Signs links sent to families (autopay confirmation) and their forms' CSRF tokens. The
    # default only suits a developer's machine: set EDQUILL_SECRET_KEY anywhere else.
    secret_key: str = DEV_SECRET_KEY
    # Uploaded registration documents live here, outside any web root (var/ is git-ignored).
    documents_dir: str = str(ROOT / "var" / "documents")

    @property
    def mysql(self) -> MySQLServer:
        return MySQLServer.from_url(self.mysql_url)

    def database(self, service: str) -> str:
        """The database a service owns: PREFIX + service name."""
        if service not in SERVICE_DATABASES:
            raise ConfigError(f"no database for service {service!r}")
        return f"{self.db_prefix}{service}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        defaults = cls()
        ports = dict(defaults.ports)
        for name in ports:
            variable = f"EDQUILL_{name.upper()}_PORT"
            if variable in env:
                ports[name] = _port(variable, env[variable])
        settings = cls(
            mysql_url=env.get("EDQUILL_MYSQL_URL", defaults.mysql_url),
            db_prefix=env.get("EDQUILL_DB_PREFIX", defaults.db_prefix),
            amqp_url=env.get("EDQUILL_AMQP_URL", defaults.amqp_url),
            exchange=env.get("EDQUILL_EXCHANGE", defaults.exchange),
            smtp_url=env.get("EDQUILL_SMTP_URL", defaults.smtp_url),
            ports=ports,
            registrar_url=env.get("EDQUILL_REGISTRAR_URL", defaults.registrar_url),
            kpi_url=env.get("EDQUILL_KPI_URL", defaults.kpi_url),
            notifier_url=env.get("EDQUILL_NOTIFIER_URL", defaults.notifier_url),
            secret_key=env.get("EDQUILL_SECRET_KEY", defaults.secret_key),
            documents_dir=env.get("EDQUILL_DOCUMENTS_DIR", defaults.documents_dir),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        self.mysql  # parses, raising ConfigError on a bad URL
        if not self.db_prefix.replace("_", "").isalnum():
            raise ConfigError(
                f"EDQUILL_DB_PREFIX may hold letters, digits and '_' only, got {self.db_prefix!r}"
            )
        if urlsplit(self.amqp_url).scheme not in ("amqp", "amqps"):
            raise ConfigError(f"EDQUILL_AMQP_URL must start with amqp://, got {self.amqp_url!r}")
        if not self.exchange:
            raise ConfigError("EDQUILL_EXCHANGE must not be empty")
        if urlsplit(self.smtp_url).scheme not in ("smtp", "smtps"):
            raise ConfigError(f"EDQUILL_SMTP_URL must start with smtp://, got {self.smtp_url!r}")
        if len(self.secret_key) < 16:
            raise ConfigError("EDQUILL_SECRET_KEY must be at least 16 characters")
        if not os.path.isabs(self.documents_dir):
            raise ConfigError(f"EDQUILL_DOCUMENTS_DIR must be an absolute path, "
                              f"got {self.documents_dir!r}")


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


def _port(variable: str, value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise ConfigError(f"{variable} must be a port number, got {value!r}") from None
    if not 0 < port < 65536:
        raise ConfigError(f"{variable} must be between 1 and 65535, got {port}")
    return port
