"""The mail sink receives real SMTP and gives back what it received."""

from __future__ import annotations

import json
import os
import signal
import smtplib
import socket
import subprocess
import time
import urllib.error
import urllib.request
from email.message import EmailMessage

import pytest

from devtools.mailsink import MailSink
from devtools.ports import free_port
from tests.support.processes import EDQUILL
from tests.support.waiting import wait_until


@pytest.fixture
def sink(tmp_path):
    with MailSink(tmp_path / "mail", http_port=0) as sink:
        yield sink


def send(
    sink: MailSink,
    subject: str,
    to: str = "parent@example.com",
    body: str = "Welcome to the school.",
) -> None:
    message = EmailMessage()
    message["From"] = "registrar@school.example"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as client:
        client.send_message(message)


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_a_sent_message_is_kept_with_its_envelope_and_content(sink):
    send(sink, "Registration received", body="We have your form.")

    (message,) = sink.wait_for(1)

    assert message.mail_from == "registrar@school.example"
    assert message.rcpt_tos == ("parent@example.com",)
    assert message.subject == "Registration received"
    assert message.parsed().get_content().strip() == "We have your form."
    assert message.path.suffix == ".eml"


def test_messages_are_listed_in_the_order_they_arrived(sink):
    for number in range(3):
        send(sink, f"message {number}")

    messages = sink.wait_for(3)

    assert [m.subject for m in messages] == ["message 0", "message 1", "message 2"]


def test_a_non_ascii_subject_reads_back_decoded(sink):
    send(sink, "Inscripción recibida — ¡gracias!")

    (message,) = sink.wait_for(1)

    assert message.subject == "Inscripción recibida — ¡gracias!"


def test_the_json_listing_shows_each_message_summary(sink):
    send(sink, "Class assigned", to="guardian@example.com")
    sink.wait_for(1)

    status, content_type, body = get(f"{sink.http_url}/messages")

    assert status == 200
    assert content_type == "application/json"
    (summary,) = json.loads(body)
    assert set(summary) == {"id", "from", "to", "subject", "received_at"}
    assert summary["to"] == ["guardian@example.com"]
    assert summary["subject"] == "Class assigned"
    assert summary["received_at"].endswith("Z")


def test_one_message_is_served_raw_by_its_id(sink):
    send(sink, "Invoice issued", body="Amount due: 120.00 USD")
    (message,) = sink.wait_for(1)

    status, content_type, body = get(f"{sink.http_url}/messages/{message.id}")

    assert status == 200
    assert content_type == "message/rfc822"
    assert b"Subject: Invoice issued" in body
    assert b"Amount due: 120.00 USD" in body


def test_an_unknown_message_id_is_a_json_404(sink):
    status, content_type, body = get(f"{sink.http_url}/messages/nope")

    assert status == 404
    assert json.loads(body)["error"]["code"] == "not_found"


def test_the_html_page_lists_received_subjects(sink):
    send(sink, "Welcome <b>aboard</b>")
    sink.wait_for(1)

    status, content_type, body = get(f"{sink.http_url}/")

    assert status == 200
    assert content_type.startswith("text/html")
    assert b"Welcome &lt;b&gt;aboard&lt;/b&gt;" in body


def test_a_restarted_sink_still_lists_earlier_mail(tmp_path):
    with MailSink(tmp_path) as first:
        send(first, "before the restart")
        first.wait_for(1)

    with MailSink(tmp_path) as second:
        assert [m.subject for m in second.messages()] == ["before the restart"]


def test_a_client_with_credentials_may_log_in(sink):
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as client:
        client.login("notifier", "secret")
        client.sendmail("a@example.com", ["b@example.com"], b"Subject: hi\r\n\r\nhello\r\n")

    assert [m.subject for m in sink.wait_for(1)] == ["hi"]


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def test_the_mailsink_command_receives_and_lists_mail_until_sigterm(tmp_path):
    smtp_port, http_port = free_port(), free_port()
    env = dict(os.environ, EDQUILL_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}")
    process = subprocess.Popen(
        [EDQUILL, "mailsink", "--dir", str(tmp_path), "--http-port", str(http_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(
            lambda: answers(http_port) or process.poll() is not None,
            timeout=20,
            what="the mail listing to answer",
        )
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client:
            client.sendmail("a@example.com", ["b@example.com"], b"Subject: hello\r\n\r\nhi\r\n")

        _status, _type, body = get(f"http://127.0.0.1:{http_port}/messages")
        assert [summary["subject"] for summary in json.loads(body)] == ["hello"]
        assert len(list(tmp_path.glob("*.eml"))) == 1
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0


def test_the_listing_follows_the_directory_when_messages_come_and_go(sink):
    # Messages are read once and remembered: one taken away must go from the listing, and
    # one arriving after a listing must join it.
    send(sink, "first")
    (first,) = sink.wait_for(1)
    first.path.unlink()
    send(sink, "second")

    (second,) = sink.wait_for(1)

    assert second.subject == "second"
    assert [m.subject for m in sink.messages()] == ["second"]


def test_the_count_is_of_whole_messages_only(sink):
    # A message still being written (its dot-file, renamed in when whole) is not counted.
    assert sink.mail.count() == 0
    send(sink, "first")
    send(sink, "second")
    sink.wait_for(2)
    (sink.mail.directory / ".partial.tmp").write_bytes(b"X-MailFrom: a@b\r\n")

    assert sink.mail.count() == 2


def test_pipelined_commands_are_answered_without_waiting_for_an_ack(sink):
    # The sink offers PIPELINING; its replies go out at once (TCP_NODELAY). Without that, the
    # second reply to a pipelined MAIL, RCPT, DATA waits for the client's delayed ACK of the
    # first, about 40 ms every time: the median gap over a few messages shows which it is.
    with socket.create_connection(("127.0.0.1", sink.port), timeout=10) as connection:
        replies = connection.makefile("rb")
        replies.readline()
        connection.sendall(b"EHLO test.example\r\n")
        offered = [replies.readline()]
        while offered[-1][3:4] == b"-":  # "250-..." lines until the last, "250 ..."
            offered.append(replies.readline())
        assert b"250-PIPELINING\r\n" in offered
        gaps = []
        for number in range(9):
            connection.sendall(
                b"MAIL FROM:<a@school.example>\r\nRCPT TO:<p@example.com>\r\nDATA\r\n"
            )
            assert replies.readline().startswith(b"250")
            first = time.monotonic()
            assert replies.readline().startswith(b"250")
            gaps.append(time.monotonic() - first)
            assert replies.readline().startswith(b"354")
            connection.sendall(f"Subject: pipelined {number}\r\n\r\nHello.\r\n.\r\n".encode())
            assert replies.readline().startswith(b"250")

    assert len(sink.wait_for(9)) == 9
    assert sorted(gaps)[len(gaps) // 2] < 0.02
