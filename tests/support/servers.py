"""The real servers the tests use: from the environment, else testcontainers, else the
machine's own defaults. Each test session gets its own databases and exchange, so two runs
(or two developers) on one server never see each other's data."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
from contextlib import ExitStack, contextmanager
from typing import Iterator
from urllib.parse import urlsplit

import pika

from shared import db, migrations
from shared.config import SERVICE_DATABASES, Settings, development_settings
from shared.queues import consumer_topologies


def _answers(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


def server_urls(stack: ExitStack) -> tuple[str, str]:
    """(mysql_url, amqp_url) of servers that answer, starting containers only if we must."""
    defaults = Settings()
    mysql_url = os.environ.get("EDQUILL_MYSQL_URL", defaults.mysql_url)
    amqp_url = os.environ.get("EDQUILL_AMQP_URL", defaults.amqp_url)
    docker = shutil.which("docker") and os.path.exists("/var/run/docker.sock")
    if "EDQUILL_MYSQL_URL" not in os.environ and not _answers(mysql_url, 3306) and docker:
        from testcontainers.mysql import MySqlContainer

        container = stack.enter_context(
            MySqlContainer("mysql:5.7", username="root", password="test")
        )
        mysql_url = (
            f"mysql://root:test@{container.get_container_host_ip()}:"
            f"{container.get_exposed_port(3306)}"
        )
    if "EDQUILL_AMQP_URL" not in os.environ and not _answers(amqp_url, 5672) and docker:
        from testcontainers.rabbitmq import RabbitMqContainer

        container = stack.enter_context(RabbitMqContainer("rabbitmq:3.13"))
        amqp_url = (
            f"amqp://guest:guest@{container.get_container_host_ip()}:"
            f"{container.get_exposed_port(5672)}/%2F"
        )
    return mysql_url, amqp_url


def isolated_settings(mysql_url: str, amqp_url: str) -> Settings:
    run = secrets.token_hex(3)
    return development_settings(
        mysql_url=mysql_url,
        db_prefix=f"edqt_{run}_",
        amqp_url=amqp_url,
        exchange=f"edqt.{run}.events",
    )


@contextmanager
def isolated_run() -> Iterator[Settings]:
    """Settings with databases and an exchange of their own, migrated; the databases, the
    exchange and the consumers' queues on it are removed at the end."""
    with ExitStack() as stack:
        mysql_url, amqp_url = server_urls(stack)
        settings = isolated_settings(mysql_url, amqp_url)
        migrations.apply_all(settings)
        try:
            yield settings
        finally:
            for service in SERVICE_DATABASES:
                db.drop_database(settings, service)
            _delete_broker_objects(settings)


def _delete_broker_objects(settings: Settings) -> None:
    try:
        connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
    except pika.exceptions.AMQPError:
        return
    try:
        channel = connection.channel()
        for topology in consumer_topologies(settings):
            channel.queue_delete(topology.queue)
            channel.queue_delete(topology.dead_letter_queue)
        channel.exchange_delete(settings.exchange)
    except pika.exceptions.AMQPError:
        pass
    finally:
        if connection.is_open:
            connection.close()


def environment(settings: Settings) -> dict[str, str]:
    """The env a subprocess (a relay, gunicorn) needs to join this test session."""
    env = dict(os.environ)
    env.update(
        {
            "EDQUILL_MYSQL_URL": settings.mysql_url,
            "EDQUILL_DB_PREFIX": settings.db_prefix,
            "EDQUILL_AMQP_URL": settings.amqp_url,
            "EDQUILL_EXCHANGE": settings.exchange,
            "EDQUILL_SMTP_URL": settings.smtp_url,
            "EDQUILL_ENV": settings.environment,
            "EDQUILL_PUBLIC_URL": settings.public_url,
            "EDQUILL_SECRET_KEY": settings.secret_key,
            "EDQUILL_DOCUMENTS_DIR": settings.documents_dir,
        }
    )
    return env
