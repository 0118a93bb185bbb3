"""The agent's wire format: one JSON object per line, one request and one reply per connection.

Every request carries {"v": VERSION, "op": ...}; every reply {"v": VERSION, "ok": bool, ...}.
An agent of another version answers ok=false, and the client treats that as no agent.
Both ends check the other's uid (SO_PEERCRED, LOCAL_PEERCRED or getpeereid): only the
same user may talk, and where none of them exists the agent does not run at all.
"""

import _socket as socket  # the C module: socket.py costs the agent's fast path ≈2.5 ms
import os
import sys

from olenv.agent import jsonline  # json without its ≈1 ms import

VERSION = 1
MAX_MESSAGE = 1 << 20  # credentials are a few KiB; anything bigger is not ours


class ProtocolError(Exception):
    """A malformed, oversized or foreign message."""


# Ways to ask the kernel who is at the other end of a unix socket, best first.
# macOS and the BSDs: getsockopt(SOL_LOCAL, LOCAL_PEERCRED) gives a struct xucred
# {u_int cr_version; uid_t cr_uid; short cr_ngroups; gid_t cr_groups[16]} (76 bytes;
# FreeBSD appends a pid, and a shorter buffer is filled as far as it goes).
SOL_LOCAL = 0
XUCRED_VERSION = 0
XUCRED_SIZE = 76


def _so_peercred(option: int, sock) -> int:  # Linux: struct ucred {pid, uid, gid}
    raw = sock.getsockopt(socket.SOL_SOCKET, option, 12)
    return int.from_bytes(raw[4:8], sys.byteorder)


def _local_peercred(option: int, sock) -> int:
    raw = sock.getsockopt(SOL_LOCAL, option, XUCRED_SIZE)
    version, uid = (int.from_bytes(raw[at:at + 4], sys.byteorder) for at in (0, 4))
    if version != XUCRED_VERSION:
        raise OSError(f"LOCAL_PEERCRED answered an unknown xucred version {version}")
    return uid


def _getpeereid(libc, sock) -> int:  # the BSD libc call, where the option is not exposed
    import ctypes

    uid, gid = ctypes.c_uint32(), ctypes.c_uint32()
    if libc.getpeereid(sock.fileno(), ctypes.pointer(uid), ctypes.pointer(gid)) != 0:
        raise OSError(ctypes.get_errno(), "getpeereid failed")
    return uid.value


def _libc():
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def peer_check(module=socket, libc=None):
    """The way this platform tells a peer's uid, as a function of the socket.

    ConfigError when it has none: the agent never runs with nobody checking."""
    if hasattr(module, "SO_PEERCRED"):
        return lambda sock: _so_peercred(module.SO_PEERCRED, sock)
    if hasattr(module, "LOCAL_PEERCRED"):
        return lambda sock: _local_peercred(module.LOCAL_PEERCRED, sock)
    libc = _libc() if libc is None else libc
    if libc is not None and hasattr(libc, "getpeereid"):
        return lambda sock: _getpeereid(libc, sock)
    from olenv.errors import ConfigError

    raise ConfigError("this system offers no way to check which user is at the other end of a "
                      "unix socket (SO_PEERCRED, LOCAL_PEERCRED, getpeereid): "
                      "the agent does not run unchecked")


_check = None


def peer_uid(sock: socket.socket) -> int:
    """The uid of the process at the other end; ConfigError where the OS cannot tell."""
    global _check
    if _check is None:
        _check = peer_check()
    return _check(sock)


def same_user(sock: socket.socket) -> bool:
    return peer_uid(sock) == os.getuid()


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
