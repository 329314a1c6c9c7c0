"""Real mail providers: STARTTLS or implicit TLS with a login, certificates verified against a
private CA, and a server that cannot be talked to safely (no STARTTLS, an untrusted
certificate, a refused login) leaves the mail queued with the reason, counted by reason, and
never sees the password in the clear."""

from __future__ import annotations

import base64
from dataclasses import replace
from urllib.parse import quote

import pytest
from prometheus_client import REGISTRY

from notifier.adapters.clock import system_clock
from tests.integration.notifier.conftest import TEST_CONFIG
from tests.support.notifier import (
    Family,
    messages_of,
    new_school_id,
    school_created,
    statuses_of,
    unique_email,
)
from tests.support.processes import run_edquill
from tests.support.secure_mail import (
    IMPLICIT_TLS,
    NO_TLS,
    STARTTLS,
    ProviderServer,
    make_certificates,
)
from tests.support.waiting import wait_until

USER = "office@riverside.example"
# Characters a URL must percent-encode: the worker has to decode them to log in.
PASSWORD = "p@ss:w/rd 42"
SENDER = {"mail_from": "office@riverside.example", "mail_from_name": "Riverside Office"}


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def school_id(queues):
    school_id = new_school_id()
    queues.publish_event(school_created(school_id))
    return school_id


@pytest.fixture
def family(school_id):
    return Family(school_id, unique_email(), student_first_name="Ada")


def smtp_url(
    server: ProviderServer, *, scheme: str = "smtp", password: str = PASSWORD, query: str = ""
) -> str:
    return (
        f"{scheme}://{quote(USER, safe='')}:{quote(password, safe='')}@"
        f"{server.host}:{server.port}{query}"
    )


def trusting(certificates) -> str:
    return f"?cafile={certificates.ca_file}"


def refusals(reason: str) -> float:
    return (
        REGISTRY.get_sample_value("edquill_notifier_smtp_refusals_total", {"reason": reason}) or 0.0
    )


def credential_bytes() -> list[bytes]:
    """The password as any AUTH mechanism could carry it on the wire."""
    secret = PASSWORD.encode()
    return [
        secret,
        base64.b64encode(secret),
        base64.b64encode(b"\0" + USER.encode() + b"\0" + secret),
    ]


def retried_row(notifier_db, school_id: int) -> dict:
    """The school's one message once an attempt has failed (still queued, with the reason)."""
    (row,) = wait_until(
        lambda: [r for r in messages_of(notifier_db, school_id) if r["error"]],
        what="a failed attempt logged",
        timeout=20,
    )
    return row


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_starttls_and_a_login_deliver_from_the_configured_sender(
    start_worker, queues, family, notifier_db, school_id, tmp_path, certificates, mechanism
):
    with ProviderServer(
        tmp_path / "mail",
        certificates,
        tls=STARTTLS,
        user=USER,
        password=PASSWORD,
        mechanisms=(mechanism,),
    ) as server:
        start_worker(
            smtp_url=smtp_url(server, query=trusting(certificates)), settings_changes=SENDER
        )
        queues.publish_event(family.invoice_paid(71))

        (message,) = server.wait_for(1)
        parsed = message.parsed()
        assert parsed["From"] == "Riverside Office <office@riverside.example>"
        assert message.mail_from == "office@riverside.example"
        assert parsed["Message-ID"].endswith("@riverside.example>")
        assert server.auth_attempts[-1].mechanism == mechanism
        assert server.auth_attempts[-1].over_tls and server.auth_attempts[-1].accepted
        assert not any(secret in server.plaintext for secret in credential_bytes())
        wait_until(
            lambda: statuses_of(notifier_db, school_id) == [("receipt", "sent")],
            what="the receipt marked sent",
        )


def test_without_a_sender_name_the_message_goes_out_under_the_schools_name(
    start_worker, queues, family, sink
):
    start_worker(settings_changes={"mail_from": "office@riverside.example"})
    queues.publish_event(family.invoice_paid(72))

    (message,) = sink.wait_for(1)
    assert message.parsed()["From"] == "Sunrise Music School <office@riverside.example>"


def test_implicit_tls_with_a_login_delivers(
    start_worker, queues, family, notifier_db, school_id, tmp_path, certificates
):
    with ProviderServer(
        tmp_path / "mail", certificates, tls=IMPLICIT_TLS, user=USER, password=PASSWORD
    ) as server:
        start_worker(smtp_url=smtp_url(server, scheme="smtps", query=trusting(certificates)))
        queues.publish_event(family.invoice_paid(73))

        (message,) = server.wait_for(1)
        assert message.rcpt_tos == (family.email,)
        assert server.auth_attempts[-1].over_tls and server.auth_attempts[-1].accepted
        assert server.plaintext == b""  # TLS from the first byte
        wait_until(
            lambda: statuses_of(notifier_db, school_id) == [("receipt", "sent")],
            what="the receipt marked sent",
        )


@pytest.mark.parametrize("starttls", ["", "&starttls=opportunistic"])
def test_a_server_without_starttls_never_gets_the_password_and_the_mail_waits_for_a_fix(
    start_worker, queues, family, notifier_db, school_id, tmp_path, certificates, starttls
):
    before = refusals("no_starttls")
    with ProviderServer(
        tmp_path / "plain", certificates, tls=NO_TLS, user=USER, password=PASSWORD
    ) as broken:
        url = smtp_url(broken, query=trusting(certificates) + starttls)
        start_worker(smtp_url=url, clock=system_clock)
        queues.publish_event(family.invoice_paid(74))

        row = retried_row(notifier_db, school_id)
        assert row["status"] == "queued"
        assert "offers no STARTTLS" in row["error"] and "will retry" in row["error"]
        assert broken.auth_attempts == []
        assert b"AUTH" not in broken.plaintext.upper()
        assert not any(secret in broken.plaintext for secret in credential_bytes())
        assert broken.messages() == []
        assert refusals("no_starttls") > before

    with ProviderServer(
        tmp_path / "fixed",
        certificates,
        tls=STARTTLS,
        user=USER,
        password=PASSWORD,
        port=broken.port,
    ) as fixed:
        (message,) = fixed.wait_for(1, timeout=40)
        assert message.rcpt_tos == (family.email,)
        wait_until(
            lambda: statuses_of(notifier_db, school_id) == [("receipt", "sent")],
            what="the receipt marked sent",
        )


def test_an_untrusted_certificate_is_refused_and_the_mail_kept(
    start_worker, queues, family, notifier_db, school_id, tmp_path, certificates
):
    before = refusals("certificate")
    with ProviderServer(
        tmp_path / "mail", certificates, tls=STARTTLS, user=USER, password=PASSWORD
    ) as server:
        start_worker(smtp_url=smtp_url(server))  # the system's CAs: the test CA is not one
        queues.publish_event(family.invoice_paid(75))

        row = retried_row(notifier_db, school_id)
        assert row["status"] == "queued"
        assert "TLS certificate not trusted" in row["error"]
        assert server.auth_attempts == [] and server.messages() == []
        assert refusals("certificate") > before


def test_a_certificate_for_another_host_is_refused(
    start_worker, queues, family, notifier_db, school_id, tmp_path, certificates
):
    # Trusted CA, but the certificate names 127.0.0.1 and localhost, not 127.0.0.2.
    with ProviderServer(
        tmp_path / "mail",
        certificates,
        tls=STARTTLS,
        user=USER,
        password=PASSWORD,
        host="127.0.0.2",
    ) as server:
        start_worker(smtp_url=smtp_url(server, query=trusting(certificates)))
        queues.publish_event(family.invoice_paid(76))

        row = retried_row(notifier_db, school_id)
        assert row["status"] == "queued" and "mismatch" in row["error"]
        assert server.auth_attempts == []


def test_a_wrong_password_keeps_the_mail_queued_and_is_counted(
    start_worker, queues, family, notifier_db, school_id, tmp_path, certificates
):
    before = refusals("auth")
    with ProviderServer(
        tmp_path / "mail", certificates, tls=STARTTLS, user=USER, password=PASSWORD
    ) as server:
        start_worker(
            smtp_url=smtp_url(server, password="not-the-password", query=trusting(certificates))
        )
        queues.publish_event(family.invoice_paid(77))

        row = retried_row(notifier_db, school_id)
        assert row["status"] == "queued"
        assert "refused our login: 535" in row["error"] and "will retry" in row["error"]
        assert "not-the-password" not in row["error"]
        assert server.messages() == []
        assert refusals("auth") > before


def test_a_refused_login_never_uses_up_the_messages_attempts(
    start_worker, queues, family, notifier_db, school_id, tmp_path, certificates
):
    with ProviderServer(
        tmp_path / "mail", certificates, tls=STARTTLS, user=USER, password=PASSWORD
    ) as server:
        start_worker(
            smtp_url=smtp_url(server, password="expired", query=trusting(certificates)),
            config=replace(TEST_CONFIG, send_attempts=2),
            clock=system_clock,
        )
        queues.publish_event(family.invoice_paid(79))

        (row,) = wait_until(
            lambda: [r for r in messages_of(notifier_db, school_id) if r["attempts"] >= 3],
            what="a third attempt",
            timeout=30,
        )
        assert row["status"] == "queued" and "refused our login" in row["error"]
        assert server.messages() == []


def test_plaintext_login_is_sent_only_when_the_url_opts_in(
    start_worker, queues, family, notifier_db, school_id, tmp_path, certificates
):
    with ProviderServer(
        tmp_path / "mail", certificates, tls=NO_TLS, user=USER, password=PASSWORD
    ) as server:
        start_worker(smtp_url=smtp_url(server, query="?starttls=off&plaintext_auth=allow"))
        queues.publish_event(family.invoice_paid(78))

        (message,) = server.wait_for(1)
        assert message.rcpt_tos == (family.email,)
        (attempt,) = server.auth_attempts
        assert attempt.accepted and not attempt.over_tls
        assert b"AUTH" in server.plaintext


@pytest.mark.parametrize(
    "url, says",
    [
        ("smtp://mailer:hunter2@mail.example:587?verify=no", "unknown parameter 'verify'"),
        ("smtp://mailer:hunter2@mail.example:587?starttls=off", "add plaintext_auth=allow"),
        ("smtps://mailer:hunter2@mail.example?cafile=/etc/hostname", "holds no usable certificate"),
    ],
)
def test_the_worker_refuses_a_bad_smtp_url_in_one_line_without_the_password(settings, url, says):
    finished = run_edquill(
        settings, "notifier", "worker", timeout=30, extra_env={"EDQUILL_SMTP_URL": url}
    )

    assert finished.returncode != 0
    (line,) = finished.stderr.strip().splitlines()
    assert "EDQUILL_SMTP_URL" in line and says in line
    assert "hunter2" not in finished.stderr + finished.stdout
