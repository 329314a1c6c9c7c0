"""EDQUILL_SMTP_URL: what each form means, and one clear line naming the variable for each
value that cannot work (never with the password in it)."""

from __future__ import annotations

import pytest

from notifier.adapters.smtp_sender import SmtpSender
from shared.config import Settings, development_settings
from shared.config_error import ConfigError
from shared.smtp_url import SmtpServer, redact_url

PASSWORD = "s3cr%40t"  # "s3cr@t", percent-encoded as a URL must carry it
ONLY_WITH_STARTTLS_OFF = "goes with smtp://user:pass@...?starttls=off"


def refusal(url: str) -> str:
    with pytest.raises(ConfigError) as raised:
        SmtpServer.from_url(url)
    return str(raised.value)


@pytest.fixture
def cafile(tmp_path):
    path = tmp_path / "ca.pem"
    path.write_text("not checked here: the sender loads it at start\n")
    return str(path)


def test_submission_with_credentials_requires_starttls_by_default():
    server = SmtpServer.from_url(f"smtp://mailer:{PASSWORD}@smtp.example:587")
    assert (server.host, server.port, server.implicit_tls) == ("smtp.example", 587, False)
    assert server.starttls == "required"
    assert server.plaintext_auth is False


def test_percent_encoded_user_and_password_are_decoded():
    server = SmtpServer.from_url(f"smtp://office%40school.example:{PASSWORD}@smtp.example:587")
    assert (server.user, server.password) == ("office@school.example", "s3cr@t")


def test_smtps_is_implicit_tls_on_465_by_default():
    server = SmtpServer.from_url(f"smtps://mailer:{PASSWORD}@smtp.example")
    assert (server.implicit_tls, server.port) == (True, 465)


def test_without_credentials_starttls_is_opportunistic_by_default():
    server = SmtpServer.from_url("smtp://127.0.0.1:1025")
    assert (server.starttls, server.user, server.password) == ("opportunistic", None, None)
    assert server.port == 1025


def test_plain_smtp_defaults_to_port_25():
    assert SmtpServer.from_url("smtp://relay.example").port == 25


def test_a_private_ca_and_a_starttls_mode_are_read(cafile):
    server = SmtpServer.from_url(
        f"smtp://mailer:{PASSWORD}@smtp.example:587?starttls=opportunistic&cafile={cafile}"
    )
    assert (server.starttls, server.cafile) == ("opportunistic", cafile)


def test_plaintext_login_is_an_explicit_opt_in():
    server = SmtpServer.from_url(
        f"smtp://mailer:{PASSWORD}@relay.lan:25?starttls=off&plaintext_auth=allow"
    )
    assert (server.starttls, server.plaintext_auth) == ("off", True)


def test_the_password_is_left_out_of_the_repr():
    server = SmtpServer.from_url(f"smtp://mailer:{PASSWORD}@smtp.example:587")
    assert "s3cr" not in repr(server)
    assert "s3cr" not in repr(
        development_settings(smtp_url=f"smtp://mailer:{PASSWORD}@smtp.example:587")
    )


def test_redact_url_hides_only_the_password():
    assert (
        redact_url(f"smtps://mailer:{PASSWORD}@smtp.example:465?cafile=/ca.pem")
        == "smtps://mailer:***@smtp.example:465?cafile=/ca.pem"
    )
    assert redact_url("smtp://127.0.0.1:1025") == "smtp://127.0.0.1:1025"


@pytest.mark.parametrize(
    "url, says",
    [
        ("http://smtp.example", "must start with smtp:// or smtps://"),
        ("smtp://smtp.example:587/mail", "drop the path"),
        ("smtp://:587", "names no host"),
        ("smtp://smtp.example:port", "port that is not a number"),
        ("smtp://smtp.example:70000", "port that is not a number"),
        ("smtp://smtp.example:0", "port that is not a number"),
        ("smtp://mailer@smtp.example:587", "a user and a password together"),
        ("smtp://:pw@smtp.example:587", "a user and a password together"),
        ("smtp://smtp.example?tls=yes", "unknown parameter 'tls'"),
        ("smtp://smtp.example?starttls", "malformed query"),
        ("smtp://smtp.example?starttls=on", "starttls= takes required|opportunistic|off, got 'on'"),
        ("smtp://smtp.example?starttls=", "starttls= takes required|opportunistic|off, got ''"),
        ("smtp://smtp.example?starttls=off&starttls=required", "gives starttls= twice"),
        ("smtps://smtp.example?starttls=required", "starttls= applies to smtp://"),
        ("smtp://m:pw@smtp.example?starttls=off", "add plaintext_auth=allow"),
        (
            "smtp://m:pw@smtp.example?plaintext_auth=yes&starttls=off",
            "plaintext_auth= takes refuse|allow, got 'yes'",
        ),
        ("smtp://m:pw@smtp.example?plaintext_auth=allow", ONLY_WITH_STARTTLS_OFF),
        ("smtps://m:pw@smtp.example?plaintext_auth=allow", ONLY_WITH_STARTTLS_OFF),
        ("smtp://smtp.example?starttls=off&plaintext_auth=allow", ONLY_WITH_STARTTLS_OFF),
        ("smtp://smtp.example?cafile=relative/ca.pem", "absolute path of a readable PEM file"),
        ("smtp://smtp.example?cafile=/nonexistent/ca.pem", "absolute path of a readable PEM file"),
        ("smtp://smtp.example?starttls=off&cafile=/etc/hosts", "cafile= needs TLS"),
    ],
)
def test_a_bad_url_is_one_line_naming_the_variable(url, says):
    message = refusal(url)
    assert message.startswith("EDQUILL_SMTP_URL ")
    assert says in message
    assert "\n" not in message


def test_a_refusal_never_shows_the_password():
    for url in (
        f"http://mailer:{PASSWORD}@smtp.example",
        f"smtp://m:{PASSWORD}@h?starttls=x",
        f"smtp://m:{PASSWORD}@h?starttls=off",
        f"smtp://m:{PASSWORD}@h:99999",
    ):
        message = refusal(url)
        assert "s3cr" not in message, message


def test_settings_refuse_a_bad_smtp_url_at_start():
    with pytest.raises(ConfigError, match="^EDQUILL_SMTP_URL .*unknown parameter 'verify'"):
        Settings.from_env(
            {"EDQUILL_ENV": "development", "EDQUILL_SMTP_URL": "smtp://smtp.example?verify=no"}
        )


def test_a_cafile_that_holds_no_certificate_stops_the_sender_at_start(tmp_path):
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("this is not a certificate\n")
    server = SmtpServer.from_url(f"smtps://mailer:{PASSWORD}@smtp.example?cafile={not_pem}")
    with pytest.raises(ConfigError, match="^EDQUILL_SMTP_URL cafile= .* holds no usable"):
        SmtpSender(server, timeout=1)
