"""Which user is at the other end of a loopback TCP connection, from /proc/net/tcp{,6}.

Any local user can connect to a port on 127.0.0.1, and a TCP socket carries no
peer credentials. On Linux the kernel lists every socket with its owner's uid: the
client's socket is the one whose local address is the connection's peer address and
whose remote address is ours. Elsewhere (or with /proc hidden) this cannot be told,
and `readable()` says so, so the caller can do without it.
"""

import itertools
import os
import socket
import struct

TABLES = ("net/tcp", "net/tcp6")
MAX_LINES = 1 << 20  # a table longer than this is not read to its end


def readable(proc: str = "/proc") -> bool:
    return os.access(os.path.join(proc, TABLES[0]), os.R_OK)


def _hex(host: str, port: int, table: str) -> str:
    """An address as the table prints it: the raw address as 32-bit words in host byte
    order, then the port; in tcp6, an IPv4 peer appears as ::ffff:a.b.c.d."""
    if table.endswith("6"):
        raw = socket.inet_pton(socket.AF_INET6, host if ":" in host else "::ffff:" + host)
    else:
        raw = socket.inet_aton(host)
    words = struct.unpack(f"={len(raw) // 4}I", raw)
    return "".join(f"{word:08X}" for word in words) + f":{port:04X}"


def owner(ours: tuple[str, int], peer: tuple[str, int], proc: str = "/proc") -> int | None:
    """The uid owning the socket at `peer` connected to `ours`, or None if none is listed."""
    for table in TABLES:
        try:
            wanted = (_hex(*peer[:2], table), _hex(*ours[:2], table))
        except OSError:
            continue  # an address this table cannot hold
        try:
            with open(os.path.join(proc, table), encoding="ascii", errors="replace") as lines:
                next(lines, None)  # the header
                for line in itertools.islice(lines, MAX_LINES):
                    fields = line.split()
                    if len(fields) > 7 and (fields[1], fields[2]) == wanted:
                        return int(fields[7]) if fields[7].isdigit() else None
        except OSError:
            continue
    return None
