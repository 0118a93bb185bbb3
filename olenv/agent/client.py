"""Talking to the agent, and starting it. Light on purpose: the fast path imports this.

No agent (no directory, no socket, a dead one, another version) is never an
error: callers carry on without it. An unsafe directory is: ConfigError.
"""

import _socket  # not socket.py, whose enums cost the fast path ≈2.5 ms
import os
import sys

from olenv.agent import OFF, protocol, socketdir
from olenv.errors import OlenvError

TIMEOUT = 5.0
# The only variables the agent inherits: no password, no API secret, no AWS keys.
AGENT_ENV = ("PATH", "LANG", "LC_ALL", "TZ", "PYTHONPATH", "XDG_RUNTIME_DIR", "OLENV_AGENT_IDLE")


def wanted(no_agent: bool = False, env=os.environ) -> bool:
    return not no_agent and env.get("OLENV_AGENT", "").strip().lower() not in OFF


def call(message: dict, env=os.environ) -> dict | None:
    """The agent's reply (its "ok" may be false), or None when no agent answers."""
    path = socketdir.socket_path(env)
    try:
        socketdir.check(os.path.dirname(path))
    except FileNotFoundError:
        return None
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.settimeout(TIMEOUT)
        sock.connect(path)
        if not protocol.same_user(sock):
            return None
        protocol.send(sock, {"v": protocol.VERSION, **message})
        return protocol.receive(sock)
    except (OSError, protocol.ProtocolError):
        return None
    finally:
        sock.close()


def start(env=os.environ) -> str:
    """Start a detached agent; "ready" once it listens, or "running" if one already was."""
    import subprocess

    socketdir.ensure(env)
    # cwd "/": `python -m` puts the working directory on sys.path, and it may be anyone's.
    process = subprocess.Popen(
        [sys.executable, "-m", "olenv.agent.server"], cwd="/",
        env={name: env[name] for name in AGENT_ENV if name in env},
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        start_new_session=True)
    with process.stdout:
        line = process.stdout.readline().decode("utf-8", "replace").strip()
    process.wait()
    if line in ("ready", "running"):
        return line
    raise OlenvError(f"the agent did not start: {line.removeprefix('error: ') or 'it exited'}")
