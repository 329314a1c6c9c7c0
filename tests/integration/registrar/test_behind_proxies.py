"""The registrar behind proxies, over real HTTP: X-Forwarded-For, -Proto and -Host believed
from EDQUILL_TRUSTED_PROXIES only, IPv6 clients counted per /64, and the sign-in cookie Secure
through the real nginx gateway exactly when the request was https.

The tests' own peer is loopback: a registrar trusting only 10.0.0.0/8 must ignore their
forwarded headers, one trusting this machine must believe them."""

from __future__ import annotations

import secrets
from dataclasses import replace
from http.cookies import SimpleCookie

import pytest
import requests

from devtools import gateway
from shared.sessions import SESSION_COOKIE
from tests.support.gateway import running_gateway
from tests.support.pages import csrf_field
from tests.support.processes import serve

NONCE_COOKIE = "edquill_login_nonce"
LOGIN_API = "/api/auth/login"

needs_nginx = pytest.mark.skipif(gateway.find_nginx() is None, reason="nginx is not installed")


@pytest.fixture(scope="module")
def trusting_this_machine(settings):
    served = serve(settings, "registrar", extra_env={"EDQUILL_TRUSTED_PROXIES": "127.0.0.0/8,::1"})
    yield served.url
    served.stop()


@pytest.fixture(scope="module")
def trusting_others_only(settings):
    served = serve(settings, "registrar", extra_env={"EDQUILL_TRUSTED_PROXIES": "10.0.0.0/8"})
    yield served.url
    served.stop()


def fresh_address() -> str:
    """An address of the test's own (198.18.0.0/15, the benchmarking range): its counts never
    meet another test's."""
    return f"198.18.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def cookies_set(answer: requests.Response) -> SimpleCookie:
    cookies = SimpleCookie()
    for header in answer.raw.headers.getlist("Set-Cookie"):
        cookies.load(header)
    return cookies


def failed_sign_in(url: str, headers: dict) -> requests.Response:
    # A new account name each time: the per-account limit is not what is under test.
    credentials = {
        "email": f"nobody-{secrets.token_hex(4)}@school.example",
        "password": "not the password",
    }
    return requests.post(url + LOGIN_API, json=credentials, headers=headers, timeout=10)


def forget_hits(registrar_db, address_key: str) -> None:
    """Drop the address's sign-in counter. Loopback's is shared by every test of the session
    and its fixed window may roll over between two reads; a counter started afresh cannot."""
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "DELETE FROM t_rate_limit WHERE bucket = %s", (f"login:address:{address_key}",)
        )


def hits_of(registrar_db, address_key: str) -> int:
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT hits FROM t_rate_limit WHERE bucket = %s", (f"login:address:{address_key}",)
        )
        row = cursor.fetchone()
    return row["hits"] if row else 0


# -- the registrar's own port ---------------------------------------------------------------


def test_an_untrusted_peer_cannot_choose_the_address_it_is_counted_under(
    trusting_others_only, registrar_db
):
    claimed = fresh_address()
    forget_hits(registrar_db, "127.0.0.1")

    assert failed_sign_in(trusting_others_only, {"X-Forwarded-For": claimed}).status_code == 401

    assert hits_of(registrar_db, claimed) == 0
    assert hits_of(registrar_db, "127.0.0.1") == 1


def test_a_trusted_peer_is_believed_about_the_clients_address(trusting_this_machine, registrar_db):
    address = fresh_address()

    assert failed_sign_in(trusting_this_machine, {"X-Forwarded-For": address}).status_code == 401

    assert hits_of(registrar_db, address) == 1


@pytest.mark.parametrize(
    "registrar, secure", [("trusting_others_only", False), ("trusting_this_machine", True)]
)
def test_a_forwarded_https_is_believed_from_a_trusted_peer_only(request, registrar, secure):
    url = request.getfixturevalue(registrar)

    form = requests.get(f"{url}/login", headers={"X-Forwarded-Proto": "https"}, timeout=10)

    assert form.status_code == 200
    assert bool(cookies_set(form)[NONCE_COOKIE]["secure"]) is secure


@pytest.mark.parametrize(
    "registrar, believed", [("trusting_others_only", False), ("trusting_this_machine", True)]
)
def test_a_forwarded_host_is_believed_from_a_trusted_peer_only(request, registrar, believed):
    url = request.getfixturevalue(registrar)
    next_page = "https://enrol.school.example/admin/registrar"

    form = requests.get(
        f"{url}/login",
        params={"next": next_page},
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "enrol.school.example"},
        timeout=10,
    )

    # Sign-in leads to an absolute URL only on the host the request came to.
    assert (f'name="next" value="{next_page}"' in form.text) is believed


def test_ipv6_clients_of_one_64_share_a_counter_and_of_another_do_not(
    trusting_this_machine, registrar_db
):
    network = f"2001:db8:{secrets.randbelow(0xFFFF):x}:{secrets.randbelow(0xFFFF):x}"
    neighbour = f"2001:db8:{secrets.randbelow(0xFFFF):x}:{secrets.randbelow(0xFFFF):x}"

    for address in (f"{network}::a", f"{network}:0:0:ffff:1", f"{neighbour}::a"):
        answer = failed_sign_in(trusting_this_machine, {"X-Forwarded-For": address})
        assert answer.status_code == 401

    assert hits_of(registrar_db, f"{network}::/64") == 2
    assert hits_of(registrar_db, f"{neighbour}::/64") == 1


def test_a_malformed_forwarded_for_from_a_trusted_peer_falls_back_to_the_peer(
    trusting_this_machine, registrar_db
):
    forget_hits(registrar_db, "127.0.0.1")

    answer = failed_sign_in(trusting_this_machine, {"X-Forwarded-For": "198.18.0.1, not-an-ip"})

    assert answer.status_code == 401
    assert hits_of(registrar_db, "127.0.0.1") == 1


# -- through the nginx gateway --------------------------------------------------------------


@pytest.fixture(scope="module")
def gateway_trusting_this_machine(settings, trusting_this_machine, tmp_path_factory):
    with running_gateway(
        settings, tmp_path_factory.mktemp("nginx-trusting"), registrar=trusting_this_machine
    ) as url:
        yield url


@pytest.fixture(scope="module")
def gateway_trusting_others_only(settings, trusting_this_machine, tmp_path_factory):
    """A gateway whose own front proxies are elsewhere: the tests' claims reach it untrusted
    (the registrar behind it still trusts the gateway, on this machine)."""
    with running_gateway(
        replace(settings, trusted_proxies=("10.0.0.0/8",)),
        tmp_path_factory.mktemp("nginx-others"),
        registrar=trusting_this_machine,
    ) as url:
        yield url


def sign_in_through(url: str, account, headers: dict) -> requests.Response:
    """GET /login then POST it, as a browser does (the nonce cookie sent back by hand: a
    Secure one would not be over plain http)."""
    form = requests.get(f"{url}/login", headers=headers, timeout=10)
    nonce = cookies_set(form)[NONCE_COOKIE].value
    return requests.post(
        f"{url}/login",
        data={
            "email": account.email,
            "password": account.password,
            "csrf_token": csrf_field(form.text),
        },
        headers={**headers, "Cookie": f"{NONCE_COOKIE}={nonce}"},
        allow_redirects=False,
        timeout=10,
    )


def session_cookie_of(answer: requests.Response):
    assert answer.status_code == 303, answer.text
    return cookies_set(answer)[SESSION_COOKIE]


@needs_nginx
def test_through_the_gateway_https_said_by_a_trusted_proxy_makes_the_session_secure(
    gateway_trusting_this_machine, staff_account
):
    answer = sign_in_through(
        gateway_trusting_this_machine,
        staff_account,
        {"X-Forwarded-Proto": "https", "X-Forwarded-For": fresh_address()},
    )

    assert session_cookie_of(answer)["secure"]


@needs_nginx
def test_through_the_gateway_plain_http_leaves_the_session_cookie_not_secure(
    gateway_trusting_this_machine, staff_account
):
    answer = sign_in_through(
        gateway_trusting_this_machine, staff_account, {"X-Forwarded-For": fresh_address()}
    )

    assert not session_cookie_of(answer)["secure"]


@needs_nginx
def test_through_the_gateway_https_said_by_an_untrusted_peer_is_not_believed(
    gateway_trusting_others_only, staff_account
):
    answer = sign_in_through(
        gateway_trusting_others_only, staff_account, {"X-Forwarded-Proto": "https"}
    )

    assert not session_cookie_of(answer)["secure"]


@needs_nginx
def test_through_the_gateway_a_trusted_proxys_client_address_is_counted(
    gateway_trusting_this_machine, registrar_db
):
    address = fresh_address()

    answer = failed_sign_in(
        gateway_trusting_this_machine, {"X-Forwarded-For": f"192.0.2.66, {address}"}
    )

    assert answer.status_code == 401
    assert hits_of(registrar_db, address) == 1


@needs_nginx
def test_through_the_gateway_an_untrusted_peers_claimed_address_is_not(
    gateway_trusting_others_only, registrar_db
):
    claimed = fresh_address()
    forget_hits(registrar_db, "127.0.0.1")

    answer = failed_sign_in(gateway_trusting_others_only, {"X-Forwarded-For": claimed})

    assert answer.status_code == 401
    assert hits_of(registrar_db, claimed) == 0
    assert hits_of(registrar_db, "127.0.0.1") == 1
