"""Where sign-in may send the browser (registrar.domain.redirects.safe_next): this system's
pages only, never another site."""

import pytest

from registrar.domain.redirects import MAX_NEXT_LENGTH, safe_next

PORTS = (8001, 8002, 8003, 8004, 8080)
SERVICES = ("http://127.0.0.1:8001", "https://notifier.school.example")


def follow(value, host="edquill.school.example:8080"):
    return safe_next(value, request_host=host, known_ports=PORTS, trusted_origins=SERVICES)


@pytest.mark.parametrize(
    "value",
    ["/admin/registrar", "/admin/dashboard", "/admin/registrar?registration=5&tab=docs", "/"],
)
def test_a_local_path_is_followed(value):
    assert follow(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "admin/registrar",
        "/admin\r\nSet-Cookie: x=1",
        "/admin\tregistrar",
        "",
    ],
)
def test_a_path_a_browser_could_read_as_another_host_is_refused(value):
    assert follow(value) is None


def test_the_dashboard_on_its_own_port_of_the_same_host_is_followed():
    assert (
        follow("http://edquill.school.example:8002/admin/dashboard")
        == "http://edquill.school.example:8002/admin/dashboard"
    )


def test_the_request_hosts_own_port_is_followed_even_when_not_a_known_one():
    assert (
        follow("https://edquill.school.example/admin/dashboard", host="edquill.school.example")
        == "https://edquill.school.example/admin/dashboard"
    )


def test_a_configured_service_url_is_followed_on_any_host():
    assert follow("https://notifier.school.example/x") == "https://notifier.school.example/x"
    assert follow("http://127.0.0.1:8001/admin/registrar") is not None


@pytest.mark.parametrize(
    "value",
    [
        "https://evil.example/admin/dashboard",
        "http://evil.example:8002/admin/dashboard",
        "http://edquill.school.example:9999/elsewhere",
        "http://user:pass@edquill.school.example:8002/",
        "javascript:alert(1)",
        "data:text/html,hi",
        "ftp://edquill.school.example:8002/",
        "http://edquill.school.example:99999/",
        "http:///admin",
    ],
)
def test_anything_else_is_refused(value):
    assert follow(value) is None


def test_a_next_longer_than_any_page_address_is_refused():
    assert follow("/" + "a" * MAX_NEXT_LENGTH) is None
