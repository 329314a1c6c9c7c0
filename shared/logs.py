"""Logging set-up for every process: one line per record, UTC timestamps, key=value extras."""

from __future__ import annotations

import logging
import time


class _UTCFormatter(logging.Formatter):
    converter = time.gmtime


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        _UTCFormatter(
            "%(asctime)s.%(msecs)03dZ %(levelname)s %(name)s %(message)s", "%Y-%m-%dT%H:%M:%S"
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # pika logs every connection attempt at INFO; our workers log what matters themselves.
    logging.getLogger("pika").setLevel(logging.WARNING)
    logging.getLogger("yoyo").setLevel(logging.WARNING)
