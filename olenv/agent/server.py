"""The agent process: serves the store over the unix socket until stopped or idle.

Run by olenv itself (`python -m olenv.agent.server`), detached: it forks once so
that it is nobody's child, says "ready" on the inherited stdout pipe once its
socket listens, and drops that pipe. Core dumps are off and the process is not
dumpable, so what it holds cannot reach a core file or another process.
"""

import fcntl
import os
import signal
import socket
import sys
import time

from olenv.agent import protocol, socketdir
from olenv.agent.store import Store, credentials

DEFAULT_IDLE = 900  # seconds holding nothing valid before the agent exits
CONNECTION_TIMEOUT = 2.0


def idle_seconds(env=os.environ) -> float:
    try:
        return max(0.1, float(env.get("OLENV_AGENT_IDLE") or DEFAULT_IDLE))
    except ValueError:
        return DEFAULT_IDLE


def harden() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_DUMPABLE = 4
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # RLIMIT_CORE alone still keeps memory out of core files


class Agent:
    def __init__(self, listener: socket.socket, idle: float, store: Store | None = None):
        self.listener = listener
        self.idle = idle
        self.store = store or Store()
        self.last_held = time.time()
        self.stopping = False

    def serve(self) -> None:
        while not self.stopping:
            timeout = self._timeout()
            if timeout <= 0:
                return
            self.listener.settimeout(timeout)
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            with conn:
                self._serve_one(conn)

    def _timeout(self) -> float:
        now = time.time()
        if not self.store.empty():
            self.last_held = now
            change = self.store.next_change()
            return max(0.05, min(self.idle, change - now + 0.01))
        return self.last_held + self.idle - now

    def _serve_one(self, conn: socket.socket) -> None:
        conn.settimeout(CONNECTION_TIMEOUT)
        try:
            if not protocol.same_user(conn):
                protocol.send(conn, {"v": protocol.VERSION, "ok": False,
                                     "error": "refused: the agent serves only its own user"})
                return
            request = protocol.receive(conn)
            handler = getattr(self, "op_" + str(request.get("op")).replace("-", "_"), None)
            reply = handler(request) if handler else {"ok": False, "error": "unknown operation"}
            protocol.send(conn, {"v": protocol.VERSION, **reply})
        except (OSError, protocol.ProtocolError, KeyError, TypeError, ValueError):
            pass  # a broken or foreign client gets nothing; the agent carries on

    # --- operations -----------------------------------------------------------

    def op_ping(self, request) -> dict:
        return {"ok": True, "pid": os.getpid()}

    def op_stop(self, request) -> dict:
        self.stopping = True
        return {"ok": True}

    def op_status(self, request) -> dict:
        return {"ok": True, "pid": os.getpid(), "sessions": self.store.listing(),
                "assertions": len(self.store.assertions)}

    def op_forget(self, request) -> dict:
        """One profile's sessions ({"profile": NAME}) or all ({"all": true}), with the
        assertions; what remains is in the reply so the caller can name it."""
        if not request.get("all") and not isinstance(request.get("profile"), str):
            return {"ok": False, "error": "forget needs a profile or all"}
        dropped = self.store.forget(None if request.get("all") else request["profile"])
        return {"ok": True, "forgotten": dropped, "sessions": self.store.listing()}

    def op_put(self, request) -> dict:
        self.store.put(request["key"], request["credentials"], request.get("fast"))
        return {"ok": True}

    def op_get(self, request) -> dict:
        entry = self.store.get(request["key"], float(request["min_ttl"]), request.get("fast"))
        return {"ok": True, "credentials": entry}

    def op_put_assertion(self, request) -> dict:
        self.store.put_assertion(request["key"], request["b64"], float(request["until"]))
        return {"ok": True}

    def op_get_assertion(self, request) -> dict:
        return {"ok": True, "b64": self.store.get_assertion(request["key"])}

    def op_put_token(self, request) -> dict:
        if not isinstance(request["token"], str):
            return {"ok": False, "error": "a token is a string"}
        self.store.put_token(request["key"], request["token"], float(request["until"]))
        return {"ok": True}

    def op_get_token(self, request) -> dict:
        held = self.store.get_token(request["key"])
        return {"ok": True, "token": held[0], "until": held[1]} if held else {"ok": True}

    def op_drop_token(self, request) -> dict:
        self.store.drop_token(request["key"])
        return {"ok": True}

    def op_fast(self, request) -> dict:
        """The fast path: the finished output for a fast-path key, or nothing."""
        entry = self.store.resolve(request["fast"], float(request["min_ttl"]))
        if entry is None:
            return {"ok": True, "found": False}
        found = credentials(entry)
        reply = {"ok": True, "found": True, "summary": found.summary(),
                 "who": {"OLENV_PROFILE": found.profile, "OLENV_ACCOUNT_ID": found.account_id,
                         "OLENV_ROLE": found.role_name},
                 "picked": bool(entry.get("picked"))}
        render = request["render"]
        if render == "process":
            reply["text"] = found.process_json() + "\n"
        elif render == "env":
            reply["env"] = found.env()
        else:
            from olenv.handover import export

            reply["text"] = export.render(found, request["format"], request.get("shell"))
        return reply


def listen(path: str) -> socket.socket:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        os.unlink(path)  # a dead agent's socket: the directory lock says none is alive
    except FileNotFoundError:
        pass
    old = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(old)
    os.chmod(path, 0o600)
    listener.listen(16)
    return listener


def main() -> int:
    ready = sys.stdout
    if os.fork():
        os._exit(0)  # the launcher reaps this parent; the agent is left to init
    os.chdir("/")
    harden()
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        protocol.peer_check()  # no way to check who connects: no agent
        path = socketdir.ensure()
        lock = os.open(os.path.dirname(path), os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            ready.write("running\n")  # another agent holds the directory
            return 0
        listener = listen(path)
        inode = os.stat(path).st_ino
    except Exception as exc:  # noqa: BLE001 - told to the launcher as one line
        ready.write(f"error: {exc}\n")
        return 1
    ready.write("ready\n")
    ready.flush()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    try:
        Agent(listener, idle_seconds()).serve()
    finally:
        try:
            if os.stat(path).st_ino == inode:  # still ours, not a successor's
                os.unlink(path)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
