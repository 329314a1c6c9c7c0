"""Which address a request is counted under (no network)."""
from registrar.client_address import address_from


def test_without_a_gateway_header_the_peer_is_the_client():
    assert address_from("203.0.113.5", None) == "203.0.113.5"


def test_behind_the_local_gateway_its_last_hop_is_the_client():
    assert address_from("127.0.0.1", "10.9.9.9, 198.51.100.7") == "198.51.100.7"


def test_a_remote_peer_cannot_choose_its_address_by_header():
    assert address_from("203.0.113.5", "198.51.100.7") == "203.0.113.5"


def test_a_garbled_header_falls_back_to_the_peer():
    assert address_from("127.0.0.1", "not-an-address") == "127.0.0.1"


def test_ipv6_loopback_counts_as_the_local_gateway():
    assert address_from("::1", "2001:db8::1") == "2001:db8::1"
