"""Composition root of a relay process: settings and options in, a ready Relay out."""

from __future__ import annotations

import os
import socket

from outbox_relay.adapters.publisher import ConfirmingPublisher
from outbox_relay.config import RelayOptions
from outbox_relay.service_layer.relay import Relay, new_relay_id
from shared import db
from shared.config import Settings


def bootstrap(settings: Settings, options: RelayOptions) -> Relay:
    publisher = ConfirmingPublisher(
        settings.amqp_url, settings.exchange, heartbeat=settings.broker.heartbeat_seconds
    )
    return Relay(
        relay_id=new_relay_id(socket.gethostname(), os.getpid()),
        options=options,
        connect_db=lambda: db.connect(settings, "registrar"),
        publisher=publisher,
    )
