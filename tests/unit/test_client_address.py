"""Which key a request is counted under by per-address limits (no network). Which address a
request came from is shared.trusted_proxies' (tests/unit/test_trusted_proxies.py)."""

from registrar.entrypoints.client_address import limit_key


def test_an_ipv4_client_is_counted_per_address():
    assert limit_key("198.51.100.7") == "198.51.100.7"
    assert limit_key("198.51.100.7") != limit_key("198.51.100.8")


def test_ipv6_clients_in_one_64_share_a_key():
    assert (
        limit_key("2001:db8:1:2::a")
        == limit_key("2001:db8:1:2:ffff:ffff:ffff:ffff")
        == "2001:db8:1:2::/64"
    )


def test_ipv6_clients_in_different_64s_do_not():
    assert limit_key("2001:db8:1:2::a") != limit_key("2001:db8:1:3::a")


def test_the_same_ipv6_address_written_two_ways_is_one_key():
    assert limit_key("2001:DB8:1:2:0:0:0:A") == limit_key("2001:db8:1:2::a")


def test_an_ipv4_address_seen_on_a_dual_stack_socket_is_counted_as_ipv4():
    assert limit_key("::ffff:198.51.100.7") == "198.51.100.7"


def test_a_peer_that_is_no_address_is_its_own_key():
    assert limit_key("unknown") == "unknown"
