"""Production fails closed: no weak key, no missing public address; development says so."""

from __future__ import annotations

import pytest

from shared.config import (
    DEV_SECRET_KEY,
    SHIPPED_SECRET_KEYS,
    Settings,
    development_settings,
)
from shared.config_error import ConfigError
from shared.paths import ROOT

STRONG_KEY = "k" * 24 + "-rotated-2026"  # 37 characters, not shipped
PUBLIC_URL = "https://enrol.riverside.example"


def production(**variables: str) -> dict[str, str]:
    env = {"EDQUILL_SECRET_KEY": STRONG_KEY, "EDQUILL_PUBLIC_URL": PUBLIC_URL}
    env.update(variables)
    return {name: value for name, value in env.items() if value is not None}


def refusal(env: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(env)
    return str(raised.value)


def test_production_is_what_an_unset_environment_means():
    assert Settings.from_env(production()).environment == "production"


def test_production_with_a_strong_key_and_a_public_url_starts():
    settings = Settings.from_env(production())
    assert settings.secret_key == STRONG_KEY
    assert settings.public_link("/family/x") == "https://enrol.riverside.example/family/x"


def test_production_without_a_key_is_refused_naming_the_variable():
    env = production()
    del env["EDQUILL_SECRET_KEY"]
    assert "EDQUILL_SECRET_KEY is not set" in refusal(env)


def test_production_with_a_short_key_is_refused():
    message = refusal(production(EDQUILL_SECRET_KEY="x" * 31))
    assert "EDQUILL_SECRET_KEY must be at least 32 characters" in message


@pytest.mark.parametrize("shipped", sorted(SHIPPED_SECRET_KEYS))
def test_production_with_any_key_this_repository_shipped_is_refused(shipped):
    assert "example key shipped" in refusal(production(EDQUILL_SECRET_KEY=shipped))


def test_a_shipped_key_padded_to_length_is_still_not_the_shipped_key():
    padded = DEV_SECRET_KEY + "-but-longer-and-mine"
    assert Settings.from_env(production(EDQUILL_SECRET_KEY=padded)).secret_key == padded


def test_production_without_a_public_url_is_refused():
    env = production()
    del env["EDQUILL_PUBLIC_URL"]
    assert "EDQUILL_PUBLIC_URL is not set" in refusal(env)


@pytest.mark.parametrize(
    "url",
    ["enrol.riverside.example", "ftp://enrol.example", "https://", "https://enrol.example/?next=x"],
)
def test_a_public_url_that_is_not_an_http_address_is_refused(url):
    assert "EDQUILL_PUBLIC_URL" in refusal(production(EDQUILL_PUBLIC_URL=url))


def test_a_previous_key_is_held_to_the_same_rules():
    message = refusal(production(EDQUILL_SECRET_KEY_PREVIOUS=f"{'p' * 40},short"))
    assert "EDQUILL_SECRET_KEY_PREVIOUS must be at least 32 characters" in message


def test_previous_keys_verify_and_the_current_key_signs_last():
    older, old = "o" * 40, "p" * 40
    settings = Settings.from_env(production(EDQUILL_SECRET_KEY_PREVIOUS=f"{older}, {old}"))
    assert settings.verification_keys == (older, old, STRONG_KEY)


def test_an_unknown_environment_is_refused():
    assert "EDQUILL_ENV must be production or development" in refusal(
        production(EDQUILL_ENV="staging")
    )


def test_development_without_a_key_or_url_uses_the_development_ones():
    settings = Settings.from_env({"EDQUILL_ENV": "development"})
    assert settings.secret_key == DEV_SECRET_KEY
    assert settings.public_url == "http://127.0.0.1:8080"


def test_development_settings_are_valid_as_they_come():
    development_settings().validate()


def test_trusted_proxies_default_to_this_machine():
    networks = Settings.from_env(production()).proxy_networks
    assert [str(n) for n in networks] == ["127.0.0.0/8", "::1/128"]


def test_a_trusted_proxy_that_is_not_a_cidr_is_refused():
    assert "EDQUILL_TRUSTED_PROXIES" in refusal(
        production(EDQUILL_TRUSTED_PROXIES="10.0.0.0/8,gateway")
    )


def test_the_sender_is_an_address_and_its_name_a_separate_variable():
    settings = Settings.from_env(
        production(
            EDQUILL_MAIL_FROM="office@riverside.example", EDQUILL_MAIL_FROM_NAME="Riverside Office"
        )
    )
    assert (settings.mail_from, settings.mail_from_name) == (
        "office@riverside.example",
        "Riverside Office",
    )


def test_a_sender_with_a_display_name_inside_is_refused():
    assert "EDQUILL_MAIL_FROM" in refusal(
        production(EDQUILL_MAIL_FROM="Riverside <office@riverside.example>")
    )


def shipped_host_settings() -> dict[str, str]:
    """deploy/edquill.env as an operator installs it, before filling anything in."""
    lines = (ROOT / "deploy" / "edquill.env").read_text().splitlines()
    pairs = (line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {name: value for name, value in pairs}


def test_the_shipped_host_settings_are_production_and_ask_for_a_key():
    env = shipped_host_settings()
    assert env["EDQUILL_ENV"] == "production"
    assert "EDQUILL_SECRET_KEY is not set" in refusal(env)


def test_the_shipped_host_settings_run_once_the_key_is_filled_in():
    settings = Settings.from_env({**shipped_host_settings(), "EDQUILL_SECRET_KEY": STRONG_KEY})
    assert settings.environment == "production"
    assert settings.public_url.startswith("https://")
