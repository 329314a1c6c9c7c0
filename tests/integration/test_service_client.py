"""The one service-to-service client against a real loopback HTTP server: what it sends, what
it gives back, and how each way of not answering reaches the caller."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time

import pytest

from shared.service_client import ServiceRefused, ServiceUnavailable, get_json, put_json


@pytest.fixture
def service():
    """service(status, body, delay=0) -> the base URL of a loopback server answering every GET
    and PUT with them; `seen` lists each request's path and Accesstoken, and `bodies` each
    PUT's method, content type and decoded JSON body."""
    servers, seen, bodies = [], [], []

    def serve(status: int, body: bytes, delay: float = 0.0) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                seen.append((self.path, self.headers.get("Accesstoken")))
                time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_PUT(self):  # noqa: N802 (http.server's naming)
                sent = self.rfile.read(int(self.headers["Content-Length"]))
                bodies.append((self.command, self.headers["Content-Type"], json.loads(sent)))
                self.do_GET()

            def log_message(self, *_args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    serve.seen = seen
    serve.bodies = bodies
    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_answer_is_decoded_and_the_token_and_query_are_sent(service):
    url = service(200, b'{"messages": [1, 2]}')

    answer = get_json(
        url, "/api/messages", token="t-1", timeout=2, query={"status": "held", "limit": 5}
    )

    assert answer == {"messages": [1, 2]}
    assert service.seen == [("/api/messages?status=held&limit=5", "t-1")]


def test_without_a_query_the_path_is_asked_bare(service):
    url = service(200, b"{}")

    get_json(url, "/api/auth/me", token="t-1", timeout=2)

    assert service.seen == [("/api/auth/me", "t-1")]


def test_an_error_status_is_a_refusal_with_the_services_message(service):
    body = json.dumps({"error": {"code": "forbidden", "message": "this needs the admin role"}})
    url = service(403, body.encode())

    with pytest.raises(ServiceRefused) as refused:
        get_json(url, "/api/admin/reports/daily", token="t", timeout=2)

    assert refused.value.status == 403
    assert refused.value.error_message == "this needs the admin role"
    assert refused.value.url.endswith("/api/admin/reports/daily")
    assert str(refused.value) == "/api/admin/reports/daily answered 403"


def test_an_error_status_without_the_error_shape_keeps_the_http_reason(service):
    url = service(502, b"<html>bad gateway</html>")

    with pytest.raises(ServiceRefused) as refused:
        get_json(url, "/api/messages", token="t", timeout=2)

    assert refused.value.status == 502
    assert refused.value.error_message == "Bad Gateway"


def test_an_answer_that_is_not_json_is_unavailable_not_refused(service):
    url = service(200, b"<html>not JSON</html>")

    with pytest.raises(ServiceUnavailable) as unavailable:
        get_json(url, "/api/messages", token="t", timeout=2)

    assert not isinstance(unavailable.value, ServiceRefused)


def test_a_service_that_is_not_listening_is_unavailable():
    with pytest.raises(ServiceUnavailable) as unavailable:
        get_json(f"http://127.0.0.1:{closed_port()}", "/api/messages", token="t", timeout=2)

    assert "refused" in unavailable.value.reason.lower()


def test_a_service_slower_than_the_timeout_is_unavailable_in_about_the_timeout(service):
    url = service(200, b"{}", delay=3.0)
    started = time.monotonic()

    with pytest.raises(ServiceUnavailable):
        get_json(url, "/api/messages", token="t", timeout=0.5)

    assert time.monotonic() - started < 2.5


def test_a_proxy_in_the_environment_is_not_used(service, monkeypatch):
    url = service(200, b'{"ok": true}')
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)

    assert get_json(url, "/api/x", token="t", timeout=2) == {"ok": True}


def test_a_put_sends_its_body_as_json_with_the_token(service):
    url = service(200, b'{"family_link_days": 3}')

    answer = put_json(url, "/api/messages/settings", token="t-4", timeout=2, body={"days": 3})

    assert answer == {"family_link_days": 3}
    assert service.seen == [("/api/messages/settings", "t-4")]
    assert service.bodies == [("PUT", "application/json", {"days": 3})]


def test_a_refused_put_carries_the_fields_at_fault(service):
    url = service(
        422,
        b'{"error": {"code": "validation_failed", "message": "some fields are invalid", '
        b'"details": {"fields": {"family_link_days": ["Too long."]}}}}',
    )

    with pytest.raises(ServiceRefused) as refused:
        put_json(url, "/api/messages/settings", token="t", timeout=2, body={})

    assert refused.value.status == 422
    assert refused.value.details == {"fields": {"family_link_days": ["Too long."]}}
