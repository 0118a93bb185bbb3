"""Who owns the other end of a loopback TCP connection, read from /proc/net/tcp{,6}."""

import os
import socket

from olenv import tcpowner

HEADER = ("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
          "timeout inode\n")


def row(local: str, remote: str, uid: int) -> str:
    return (f"   0: {local} {remote} 01 00000000:00000000 00:00000000 00000000 {uid:5} "
            "       0 12345 1 0000000000000000 20 4 30 10 -1\n")


def test_a_real_connection_is_told_to_be_ours():
    with socket.create_server(("127.0.0.1", 0)) as server:
        ours = server.getsockname()
        with socket.create_connection(ours) as client:
            conn, peer = server.accept()
            with conn:
                assert tcpowner.readable()
                assert tcpowner.owner(ours, peer) == os.getuid()
                assert peer == client.getsockname()
                # Our own, accepted end is not the one asked for.
                assert tcpowner.owner(peer, ours) == os.getuid()  # the reverse row: also ours
                assert tcpowner.owner(ours, (peer[0], 1)) is None


def test_the_table_is_read_as_the_kernel_writes_it(tmp_path):
    (tmp_path / "net").mkdir()
    # 127.0.0.1:40000 → 127.0.0.1:8080 owned by 65534; little-endian words, as on x86.
    client = tcpowner._hex("127.0.0.1", 40000, "net/tcp")
    server = tcpowner._hex("127.0.0.1", 8080, "net/tcp")
    assert (client, server) == (("0100007F" if socket.htonl(1) != 1 else "7F000001") + ":9C40",
                                ("0100007F" if socket.htonl(1) != 1 else "7F000001") + ":1F90")
    (tmp_path / "net" / "tcp").write_text(HEADER + row(server, client, 0) +
                                          row(client, server, 65534))
    assert tcpowner.owner(("127.0.0.1", 8080), ("127.0.0.1", 40000), str(tmp_path)) == 65534
    assert tcpowner.owner(("127.0.0.1", 8080), ("127.0.0.1", 40001), str(tmp_path)) is None


def test_an_ipv4_client_on_an_ipv6_socket_is_found_in_tcp6(tmp_path):
    (tmp_path / "net").mkdir()
    (tmp_path / "net" / "tcp").write_text(HEADER)
    client = tcpowner._hex("127.0.0.1", 40000, "net/tcp6")
    server = tcpowner._hex("127.0.0.1", 8080, "net/tcp6")
    assert client.startswith("0000000000000000") and len(client) == 32 + 5
    (tmp_path / "net" / "tcp6").write_text(HEADER + row(client, server, 1000))
    assert tcpowner.owner(("127.0.0.1", 8080), ("127.0.0.1", 40000), str(tmp_path)) == 1000


def test_without_the_tables_nothing_can_be_told(tmp_path):
    assert not tcpowner.readable(str(tmp_path))
    assert tcpowner.owner(("127.0.0.1", 1), ("127.0.0.1", 2), str(tmp_path)) is None


def test_a_mangled_table_tells_nothing(tmp_path):
    (tmp_path / "net").mkdir()
    client = tcpowner._hex("127.0.0.1", 40000, "net/tcp")
    server = tcpowner._hex("127.0.0.1", 8080, "net/tcp")
    (tmp_path / "net" / "tcp").write_text(HEADER + "garbage\n\n" +
                                          row(client, server, 0).replace(" 0 ", " x ", 1))
    assert tcpowner.owner(("127.0.0.1", 8080), ("127.0.0.1", 40000), str(tmp_path)) is None
