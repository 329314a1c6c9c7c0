import socket

from devtools.ports import LOWEST, ephemeral_range_start, free_port, free_port_block, is_free


def test_a_picked_port_lies_below_the_range_outgoing_connections_take_theirs_from():
    port = free_port()
    assert LOWEST <= port < ephemeral_range_start()
    assert is_free(port)


def test_no_port_is_handed_out_twice_by_one_process():
    picked = [free_port() for _ in range(300)]
    assert len(set(picked)) == len(picked)


def test_a_block_is_consecutive_free_ports_none_handed_out_before():
    earlier = {free_port() for _ in range(50)}
    first = free_port_block(5)
    block = set(range(first, first + 5))
    assert block.isdisjoint(earlier)
    assert all(is_free(port) for port in block)
    assert free_port() not in block


def test_a_port_someone_listens_on_is_not_free():
    with socket.create_server(("127.0.0.1", 0)) as server:
        assert not is_free(server.getsockname()[1])


def test_an_aligned_block_starts_at_a_multiple_of_its_alignment():
    first = free_port_block(2, align=100)
    assert first % 100 == 0 and LOWEST <= first < ephemeral_range_start()
    assert free_port() not in (first, first + 1)
