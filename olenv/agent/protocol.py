"""The agent's wire format: one JSON object per line, one request and one reply per connection.

Every request carries {"v": VERSION, "op": ...}; every reply {"v": VERSION, "ok": bool, ...}.
An agent of another version answers ok=false, and the client treats that as no agent.
Both ends check the other's uid (SO_PEERCRED): only the same user may talk.
"""

import _socket as socket  # the C module: socket.py costs the agent's fast path ≈2.5 ms
import os
import sys

from olenv.agent import jsonline  # json without its ≈1 ms import

VERSION = 1
MAX_MESSAGE = 1 << 20  # credentials are a few KiB; anything bigger is not ours


class ProtocolError(Exception):
    """A malformed, oversized or foreign message."""


def peer_uid(sock: socket.socket) -> int | None:
    """The uid of the process at the other end, or None where the OS cannot tell."""
    if hasattr(socket, "SO_PEERCRED"):  # Linux: struct ucred {pid, uid, gid}
        raw = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
        return int.from_bytes(raw[4:8], sys.byteorder)
    if hasattr(socket, "LOCAL_PEERCRED"):  # BSD and macOS: struct xucred {version, uid, ...}
        raw = sock.getsockopt(0, socket.LOCAL_PEERCRED, 76)
        return int.from_bytes(raw[4:8], sys.byteorder)
    return None  # no way to ask: the 0700 directory is then the only fence


def same_user(sock: socket.socket) -> bool:
    uid = peer_uid(sock)
    return uid is None or uid == os.getuid()


def send(sock: socket.socket, message: dict) -> None:
    sock.sendall(jsonline.dumps(message).encode() + b"\n")


def receive(sock: socket.socket) -> dict:
    chunks = []
    size = 0
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if chunk.endswith(b"\n"):
            break
        if size > MAX_MESSAGE:
            raise ProtocolError("message too large")
    try:
        message = jsonline.loads(b"".join(chunks))
    except ValueError:
        raise ProtocolError("not a JSON message") from None
    if not isinstance(message, dict) or message.get("v") != VERSION:
        raise ProtocolError("not a message of this protocol version")
    return message
