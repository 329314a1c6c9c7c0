"""The sender's SMTP conversation, pipelined where the server offers PIPELINING and one command
at a time where it does not: the same messages accepted, the same refusals, and after a refusal
the next message on the same connection goes through."""

from __future__ import annotations

import smtplib

import pytest

from notifier.adapters.smtp_sender import PermanentFailure, SmtpSender
from shared.smtp_url import SmtpServer
from tests.support.scripted_mail import ScriptedMailSink

FROM = "office@school.example"


def message(recipient: str, body: str = "Your receipt.") -> bytes:
    return (f"From: {FROM}\r\nTo: {recipient}\r\nSubject: Receipt\r\n\r\n{body}\r\n").encode()


@pytest.fixture(params=[True, False], ids=["pipelined", "lockstep"])
def pipelining(request):
    return request.param


def sender_for(sink: ScriptedMailSink) -> SmtpSender:
    return SmtpSender(SmtpServer.from_url(sink.url), timeout=10)


def test_the_sender_pipelines_only_where_the_server_offers_it(tmp_path, pipelining):
    with ScriptedMailSink(tmp_path / "mail", pipelining=pipelining) as sink:
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as client:
            client.ehlo()
            assert client.has_extn("pipelining") is pipelining
        sender = sender_for(sink)
        try:
            for number in range(3):
                sender.send(FROM, f"family{number}@example.com", message(f"f{number}"))
        finally:
            sender.close()

        received = sink.wait_for(3)
    assert [m.rcpt_tos for m in received] == [(f"family{n}@example.com",) for n in range(3)]
    assert {m.mail_from for m in received} == {FROM}


@pytest.mark.parametrize("refused_at", ["recipient", "content"])
def test_after_a_refused_message_the_next_one_goes_through_on_the_same_connection(
    tmp_path, pipelining, refused_at
):
    gone = "gone@example.com"
    refusal = {"refused": {gone}} if refused_at == "recipient" else {"refused_content": {gone}}
    with ScriptedMailSink(tmp_path / "mail", pipelining=pipelining, **refusal) as sink:
        sender = sender_for(sink)
        try:
            sender.send(FROM, "first@example.com", message("first"))
            with pytest.raises(PermanentFailure) as refused:
                sender.send(FROM, gone, message("gone"))
            connection = sender._client
            sender.send(FROM, "after@example.com", message("after"))
            assert sender._client is connection  # the session was reset, not reopened
        finally:
            sender.close()

        received = sink.wait_for(2)
    expected = "recipient refused: 550" if refused_at == "recipient" else "554 5.6.0"
    assert str(refused.value).startswith(expected)
    assert [m.rcpt_tos for m in received] == [("first@example.com",), ("after@example.com",)]


def test_a_pipelined_message_keeps_its_lines_that_start_with_a_dot(tmp_path):
    # A line of one dot would end the message early unless it is doubled on the wire.
    body = "Line one\r\n.\r\n.hidden\r\nlast"
    with ScriptedMailSink(tmp_path / "mail", pipelining=True) as sink:
        sender = sender_for(sink)
        try:
            sender.send(FROM, "family@example.com", message("family", body))
        finally:
            sender.close()
        (received,) = sink.wait_for(1)
    assert received.parsed().get_content().replace("\r\n", "\n") == ("Line one\n.\n.hidden\nlast\n")
