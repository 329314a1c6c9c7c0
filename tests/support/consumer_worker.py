"""A recording consumer as a process of its own, stopped by a signal as `edquill <service>
worker` is:

    python -m tests.support.consumer_worker CONSUMER_NAME EFFECT_TABLE MARKER_FILE

Servers, databases and exchange come from the EDQUILL_* environment. Each event's handler
writes its effect, creates MARKER_FILE (so the test knows a message is in hand) and then takes
HANDLING_SECONDS to finish.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from shared.config import Settings
from shared.logs import configure_logging
from shared.worker import run_until_signalled
from tests.support.consumers import EffectTable, recording_consumer_class

# Long enough for the test to send a signal while the message is in hand.
HANDLING_SECONDS = 1.0


def main(argv: list[str]) -> None:
    name, table, marker = argv
    configure_logging("INFO")
    settings = Settings.from_env()

    def slow_handling(_event, _cursor, _call) -> None:
        Path(marker).touch()
        time.sleep(HANDLING_SECONDS)

    consumer_class = recording_consumer_class(name)
    run_until_signalled(consumer_class(settings, EffectTable(settings, table), slow_handling))


if __name__ == "__main__":
    main(sys.argv[1:])
