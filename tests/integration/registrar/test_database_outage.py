"""A database that goes away mid-service: a clear 503, then recovery without a restart."""

from __future__ import annotations

import dataclasses

from registrar.entrypoints.app import create_app
from tests.support.tcp_proxy import TcpProxy


def test_requests_answer_503_while_the_database_is_gone_and_recover_after(settings, school):
    server = settings.mysql
    with TcpProxy(server.host, server.port) as proxy:
        proxied = dataclasses.replace(
            settings, mysql_url=f"mysql://{server.user}@127.0.0.1:{proxy.port}"
        )
        client = create_app(proxied, {"TESTING": True}).test_client()
        stages = "/api/admin/self-registration/stages"

        before = client.get(stages, headers=school.headers())
        proxy.cut()
        during = client.get(stages, headers=school.headers())
        proxy.restore()
        after = client.get(stages, headers=school.headers())

    assert before.status_code == 200
    assert during.status_code == 503
    assert during.get_json()["error"]["code"] == "database_unavailable"
    assert after.status_code == 200
