"""What the benchmarks ran against, printed with their figures: the database server's
version and buffer pool, and the machine's load when a run began."""

from __future__ import annotations

import os

from shared import db
from shared.config import Settings


def server_facts(settings: Settings) -> dict:
    connection = db.connect(settings)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT VERSION() AS version, "
                "@@innodb_buffer_pool_size DIV 1048576 AS buffer_pool_mb"
            )
            facts = dict(cursor.fetchone())
    finally:
        connection.close()
    facts["load_average_1m"] = round(os.getloadavg()[0], 2)
    facts["cpus"] = os.cpu_count()
    return facts
