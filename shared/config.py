"""Configuration read from the environment in one place, into one typed object.

Every process builds a `Settings` once in its composition root and passes it down; nothing
else reads os.environ. A bad value fails at start-up with the variable's name.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, replace
from email.utils import parseaddr
from typing import Mapping
from urllib.parse import unquote, urlsplit

from shared.broker_nodes import BrokerKnobs, node_urls
from shared.config_error import ConfigError
from shared.config_values import comma_list, seconds, service_ports
from shared.paths import ROOT
from shared.smtp_url import SmtpServer

SERVICE_DATABASES = ("registrar", "notifier", "kpi", "dashboard")

PRODUCTION = "production"
DEVELOPMENT = "development"
ENVIRONMENTS = (PRODUCTION, DEVELOPMENT)

DEV_SECRET_KEY = "edquill-dev-secret-key-change-me"
# Every example key this repository has ever shipped: anyone can read them, so anyone could
# sign links with them. Production refuses each one, however long.
SHIPPED_SECRET_KEYS = frozenset(
    {
        DEV_SECRET_KEY,
        "change-me-to-a-long-random-string",
        "compose-dev-secret-change-me",
    }
)
# HMAC-SHA256 keys: 32 characters of a random string carry the hash's full strength.
MIN_SECRET_KEY_LENGTH = 32
# Proxies whose X-Forwarded-* headers are believed when nothing else is said: this machine.
DEFAULT_TRUSTED_PROXIES = ("127.0.0.0/8", "::1")
# EDQUILL_<NAME>_PORT: each web service's instance 1, and the gateway.
PORTS = {"registrar": 8001, "dashboard": 8002, "kpi": 8003, "notifier": 8004, "gateway": 8080}
# Each web service runs as a pair: instance 2 here (EDQUILL_<SERVICE>_SECOND_PORT), 1 on _PORT.
SECOND_PORTS = {"registrar": 8011, "dashboard": 8012, "kpi": 8013, "notifier": 8014}


@dataclass(frozen=True)
class MySQLServer:
    host: str
    port: int
    user: str
    password: str

    @classmethod
    def from_url(cls, url: str, variable: str = "EDQUILL_MYSQL_URL") -> "MySQLServer":
        parts = urlsplit(url)
        if parts.scheme not in ("mysql", "mysql+pymysql"):
            raise ConfigError(f"{variable} must start with mysql://, got {url!r}")
        if parts.path not in ("", "/"):
            raise ConfigError(f"{variable} names a server, not a database: drop the path")
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
    # One node, or a cluster's nodes comma-separated: see amqp_urls.
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"
    # The quorum queues' replication group (EDQUILL_BROKER_* knobs, shared.broker_nodes).
    broker: BrokerKnobs = field(default_factory=BrokerKnobs)
    exchange: str = "edquill.events"
    # May carry a password: kept out of repr, shown only through redact_url.
    smtp_url: str = field(default="smtp://127.0.0.1:1025", repr=False)
    ports: Mapping[str, int] = field(default_factory=lambda: dict(PORTS))
    second_ports: Mapping[str, int] = field(default_factory=lambda: dict(SECOND_PORTS))
    registrar_url: str = "http://127.0.0.1:8001"
    kpi_url: str = "http://127.0.0.1:8003"
    notifier_url: str = "http://127.0.0.1:8004"
    # The registrar's settings page reads and saves the dashboard's targets there.
    dashboard_url: str = "http://127.0.0.1:8002"
    # Production unless said otherwise: a forgotten setting must fail closed, not open.
    environment: str = PRODUCTION
    # The base of every link a family or staff member follows (e-mails, redirects between
    # services); the *_url above are for one service calling another and never leave.
    public_url: str = ""
    # Signs links sent to families and form tokens. Required in production; a development
    # run that sets none uses DEV_SECRET_KEY.
    secret_key: str = ""
    # Keys of before a rotation: they still verify what they signed, never sign anything new.
    previous_secret_keys: tuple[str, ...] = ()
    # CIDRs whose X-Forwarded-For/-Proto/-Host headers are believed.
    trusted_proxies: tuple[str, ...] = DEFAULT_TRUSTED_PROXIES
    # The sender of family e-mail; an empty name means the school's own name.
    mail_from: str = "no-reply@edquill.localhost"
    mail_from_name: str = ""
    # Uploaded registration documents live here, outside any web root (var/ is git-ignored).
    documents_dir: str = str(ROOT / "var" / "documents")
    # Where every worker's --metrics-port listens: this machine only, unless a container's
    # published port (or a scraper elsewhere) needs all interfaces (0.0.0.0).
    metrics_host: str = "127.0.0.1"
    # A read replica of the whole server for reads that tolerate its lag (shared.read_replica);
    # empty: every read goes to the primary. Above the lag bound reads go to the primary too.
    mysql_replica_url: str = ""
    replica_max_lag_seconds: float = 5.0

    @property
    def mysql(self) -> MySQLServer:
        return MySQLServer.from_url(self.mysql_url)

    @property
    def mysql_replica(self) -> MySQLServer | None:
        if not self.mysql_replica_url:
            return None
        return MySQLServer.from_url(self.mysql_replica_url, "EDQUILL_MYSQL_REPLICA_URL")

    @property
    def amqp_urls(self) -> tuple[str, ...]:
        """Each broker node's URL: clients connect to one and fail over to the next."""
        return node_urls(self.amqp_url)

    @property
    def quorum_group_size(self) -> int | None:
        """Members of each quorum queue's group; None leaves it to the broker."""
        return self.broker.group_size(len(self.amqp_urls))

    @property
    def smtp(self) -> SmtpServer:
        return SmtpServer.from_url(self.smtp_url)

    @property
    def is_development(self) -> bool:
        return self.environment == DEVELOPMENT

    @property
    def verification_keys(self) -> tuple[str, ...]:
        """Every key a signature may have been made with, oldest first and the current key
        last, as itsdangerous takes them: it signs with the last and verifies with any."""
        return (*self.previous_secret_keys, self.secret_key)

    @property
    def proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in self.trusted_proxies)

    def instance_port(self, service: str, instance: int) -> int:
        """Where instance 1 or 2 of a web service listens."""
        return self.ports[service] if instance == 1 else self.second_ports[service]

    def public_link(self, path: str) -> str:
        """An absolute link under EDQUILL_PUBLIC_URL: `path` starts with '/'."""
        return self.public_url.rstrip("/") + path

    def database(self, service: str) -> str:
        """The database a service owns: PREFIX + service name."""
        if service not in SERVICE_DATABASES:
            raise ConfigError(f"no database for service {service!r}")
        return f"{self.db_prefix}{service}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        defaults = cls()
        ports = service_ports(env, defaults.ports)
        environment = env.get("EDQUILL_ENV", PRODUCTION).strip().lower()
        development = environment == DEVELOPMENT
        settings = cls(
            environment=environment,
            mysql_url=env.get("EDQUILL_MYSQL_URL", defaults.mysql_url),
            db_prefix=env.get("EDQUILL_DB_PREFIX", defaults.db_prefix),
            amqp_url=env.get("EDQUILL_AMQP_URL", defaults.amqp_url),
            broker=BrokerKnobs.from_env(env),
            exchange=env.get("EDQUILL_EXCHANGE", defaults.exchange),
            smtp_url=env.get("EDQUILL_SMTP_URL", defaults.smtp_url),
            ports=ports,
            second_ports=service_ports(env, defaults.second_ports, "SECOND_PORT"),
            registrar_url=env.get("EDQUILL_REGISTRAR_URL", defaults.registrar_url),
            kpi_url=env.get("EDQUILL_KPI_URL", defaults.kpi_url),
            notifier_url=env.get("EDQUILL_NOTIFIER_URL", defaults.notifier_url),
            dashboard_url=env.get("EDQUILL_DASHBOARD_URL", defaults.dashboard_url),
            public_url=env.get("EDQUILL_PUBLIC_URL", "").strip()
            or (f"http://127.0.0.1:{ports['gateway']}" if development else ""),
            secret_key=env.get("EDQUILL_SECRET_KEY", "") or (DEV_SECRET_KEY if development else ""),
            previous_secret_keys=comma_list(env.get("EDQUILL_SECRET_KEY_PREVIOUS", "")),
            trusted_proxies=comma_list(env["EDQUILL_TRUSTED_PROXIES"])
            if "EDQUILL_TRUSTED_PROXIES" in env
            else defaults.trusted_proxies,
            mail_from=env.get("EDQUILL_MAIL_FROM", "").strip() or defaults.mail_from,
            mail_from_name=env.get("EDQUILL_MAIL_FROM_NAME", "").strip(),
            documents_dir=env.get("EDQUILL_DOCUMENTS_DIR", defaults.documents_dir),
            metrics_host=env.get("EDQUILL_METRICS_HOST", "").strip() or defaults.metrics_host,
            mysql_replica_url=env.get("EDQUILL_MYSQL_REPLICA_URL", "").strip(),
            replica_max_lag_seconds=seconds(
                "EDQUILL_REPLICA_MAX_LAG_S", env.get("EDQUILL_REPLICA_MAX_LAG_S", "5")
            ),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        self.mysql  # parses, raising ConfigError on a bad URL
        self.mysql_replica
        if not self.db_prefix.replace("_", "").isalnum():
            raise ConfigError(
                f"EDQUILL_DB_PREFIX may hold letters, digits and '_' only, got {self.db_prefix!r}"
            )
        self.amqp_urls  # parses, raising ConfigError on a bad node URL
        if not self.exchange:
            raise ConfigError("EDQUILL_EXCHANGE must not be empty")
        self.smtp  # parses, raising ConfigError on a bad URL
        if self.environment not in ENVIRONMENTS:
            raise ConfigError(
                f"EDQUILL_ENV must be production or development, got {self.environment!r}"
            )
        self._validate_public_url()
        self._validate_secret("EDQUILL_SECRET_KEY", self.secret_key)
        for key in self.previous_secret_keys:
            self._validate_secret("EDQUILL_SECRET_KEY_PREVIOUS", key)
        for cidr in self.trusted_proxies:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                raise ConfigError(
                    f"EDQUILL_TRUSTED_PROXIES takes comma-separated CIDRs "
                    f"(e.g. 10.0.0.0/8,::1), got {cidr!r}"
                ) from None
        if "@" not in parseaddr(self.mail_from)[1] or parseaddr(self.mail_from)[0]:
            raise ConfigError(
                f"EDQUILL_MAIL_FROM must be a bare e-mail address "
                f"(the name goes in EDQUILL_MAIL_FROM_NAME), got {self.mail_from!r}"
            )
        if not os.path.isabs(self.documents_dir):
            raise ConfigError(
                f"EDQUILL_DOCUMENTS_DIR must be an absolute path, got {self.documents_dir!r}"
            )
        try:
            ipaddress.ip_address(self.metrics_host)
        except ValueError:
            raise ConfigError(
                f"EDQUILL_METRICS_HOST must be an IP address to listen on "
                f"(127.0.0.1, 0.0.0.0, ::), got {self.metrics_host!r}"
            ) from None

    def _validate_public_url(self) -> None:
        if not self.public_url:
            raise ConfigError(
                "EDQUILL_PUBLIC_URL is not set: production needs the address "
                "families reach the system at, e.g. https://enrol.school.example"
            )
        parts = urlsplit(self.public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(
                f"EDQUILL_PUBLIC_URL must be an http(s) address with a host, "
                f"got {self.public_url!r}"
            )
        if parts.query or parts.fragment:
            raise ConfigError(
                f"EDQUILL_PUBLIC_URL takes no query or fragment, got {self.public_url!r}"
            )

    def _validate_secret(self, variable: str, key: str) -> None:
        if not key:
            raise ConfigError(
                f"{variable} is not set: production needs a random key of at "
                f"least {MIN_SECRET_KEY_LENGTH} characters "
                f"(or EDQUILL_ENV=development on a developer's machine)"
            )
        if self.is_development:
            return
        if key in SHIPPED_SECRET_KEYS:
            raise ConfigError(
                f"{variable} is an example key shipped with EdQuill: production "
                f"needs a random key of its own"
            )
        if len(key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"{variable} must be at least {MIN_SECRET_KEY_LENGTH} characters "
                f"in production, got {len(key)}"
            )


def development_settings(**changes) -> Settings:
    """Settings for a developer's machine, a test or a benchmark: development mode, the
    development key, and the local gateway as the public address."""
    defaults = Settings()
    return replace(
        defaults,
        environment=DEVELOPMENT,
        secret_key=DEV_SECRET_KEY,
        public_url=f"http://127.0.0.1:{defaults.ports['gateway']}",
        **changes,
    )
