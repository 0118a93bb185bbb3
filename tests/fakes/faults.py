"""A raw-socket front for the fake OneLogin API that breaks connections on cue.

FakeOneLogin.fail_next() covers every fault that is a well-formed HTTP reply (a
status, an HTML page, a Retry-After). What a well-behaved server cannot do is
here: reset the connection halfway through a body, close it without a word,
stall, or trickle a reply one byte at a time. Every request that is not told
to fail is relayed to the real fake, so a sign-in goes on as usual around the
fault; every request is recorded, with its JSON body, so tests can count how
often the password left.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

# What to do instead of relaying a request:
#   "reset"     headers and half a body, then an RST (SO_LINGER 0)
#   "close"     close the connection without answering
#   "truncate"  a complete 200 reply whose JSON is cut short
#   "stall"     say nothing, keep the connection open
#   "trickle"   a 200 reply whose body comes one byte every `trickle_gap` seconds
FAULTS = ("reset", "close", "truncate", "stall", "trickle")


@dataclass
class Seen:
    path: str
    json: object  # the parsed body, or None

    @property
    def has_password(self) -> bool:
        return isinstance(self.json, dict) and bool(self.json.get("password"))


class FaultyFront:
    def __init__(self, upstream: str, trickle_gap: float = 0.2):
        self.upstream = urlsplit(upstream)
        self.trickle_gap = trickle_gap
        self.seen: list[Seen] = []
        self._faults: list[list] = []  # [path suffix, fault, times left, requests to let by]
        self._held: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def fail_next(self, path_suffix: str, fault: str, times: int = 1, after: int = 0) -> None:
        if fault not in FAULTS:
            raise ValueError(f"fault must be one of {FAULTS}")
        with self._lock:
            self._faults.append([path_suffix, fault, times, after])

    def count(self, path_suffix: str) -> int:
        return sum(s.path.endswith(path_suffix) for s in self.seen)

    def passwords_sent(self) -> int:
        return sum(s.has_password for s in self.seen)

    def close(self) -> None:
        self._closed.set()
        self._sock.close()
        for conn in self._held:
            conn.close()

    def __enter__(self) -> FaultyFront:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- serving -----------------------------------------------------------------

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _take(self, path: str) -> str | None:
        with self._lock:
            for fault in self._faults:
                if fault[2] > 0 and path.endswith(fault[0]):
                    if fault[3] > 0:
                        fault[3] -= 1
                        continue
                    fault[2] -= 1
                    return fault[1]
        return None

    def _serve(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        try:
            while not self._closed.is_set():
                request = _read_request(reader)
                if request is None:
                    return
                method, target, headers, body = request
                path = urlsplit(target).path
                try:
                    parsed = json.loads(body) if body.strip() else None
                except ValueError:
                    parsed = None
                self.seen.append(Seen(path, parsed))
                fault = self._take(path)
                if fault is None:
                    conn.sendall(self._relay(method, target, headers, body))
                    continue
                if fault == "stall":
                    self._held.append(conn)
                    return
                if fault == "close":
                    return
                if fault == "reset":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: 400\r\n\r\n{\"data\": \"PHNhbWxw")
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
                    return
                cut = b'{"data": "PHNhbWxwOlJlc3BvbnNl", "message": "Succ'
                if fault == "truncate":
                    conn.sendall(_reply(200, cut))
                    continue
                # trickle: headers at once, then the body so slowly that no single
                # read waits long, but the whole takes longer than any read timeout.
                body = b'{"data": "PHNhbWxwOlJlc3BvbnNl", "message": "Success"}'
                conn.sendall(_reply(200, body)[:-len(body)])
                for byte in body:
                    if self._closed.wait(self.trickle_gap):
                        return
                    conn.sendall(bytes([byte]))
        except OSError:
            return
        finally:
            if conn not in self._held:
                conn.close()

    def _relay(self, method: str, target: str, headers: dict, body: bytes) -> bytes:
        upstream = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port,
                                              timeout=30)
        try:
            upstream.request(method, target, body=body, headers={
                k: v for k, v in headers.items() if k.lower() not in ("host", "connection")})
            answer = upstream.getresponse()
            data = answer.read()
            extra = {k: v for k, v in answer.getheaders()
                     if k.lower() not in ("content-length", "connection", "transfer-encoding",
                                          "server", "date")}
            return _reply(answer.status, data, extra)
        finally:
            upstream.close()


def _read_request(reader):
    line = reader.readline()
    if not line.strip():
        return None
    method, target, _ = line.decode("latin-1").split(" ", 2)
    headers = {}
    while (header := reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = header.decode("latin-1").partition(":")
        headers[name.strip()] = value.strip()
    length = int(next((v for k, v in headers.items() if k.lower() == "content-length"), 0))
    return method, target, headers, reader.read(length) if length else b""


def _reply(status: int, body: bytes, headers: dict | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} {http.client.responses.get(status, 'Status')}",
             f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if not any(k.lower() == "content-type" for k in headers or {}):
        lines.append("Content-Type: application/json")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def wait_for(predicate, timeout: float = 10.0) -> None:
    """Poll until predicate() is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)
