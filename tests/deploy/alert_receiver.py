"""A webhook on loopback standing in for each receiver of deploy/alertmanager/alertmanager.yml
(the rendered copy sends receiver R's notifications to /R): what Alertmanager delivered, to
whom, as its webhook payload says (https://prometheus.io/docs/alerting/latest/configuration/
#webhook_config)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class AlertReceiver:
    def __init__(self):
        self._lock = threading.Lock()
        self._notifications: list[tuple[str, dict]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                receiver._record(self.path.strip("/"), json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_args):  # the test reads what arrived, not an access log
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "AlertReceiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _record(self, path: str, payload: dict) -> None:
        with self._lock:
            self._notifications.append((path, payload))

    def firing(self, path: str) -> dict[str, set[str]]:
        """alertname -> the severities of its firing alerts delivered to receiver `path`."""
        with self._lock:
            notifications = list(self._notifications)
        delivered: dict[str, set[str]] = {}
        for receiver, payload in notifications:
            if receiver != path:
                continue
            for alert in payload["alerts"]:
                if alert["status"] == "firing":
                    labels = alert["labels"]
                    delivered.setdefault(labels["alertname"], set()).add(labels.get("severity"))
        return delivered
