"""A fake of AWS's federation endpoint (signin.aws.amazon.com/federation) on 127.0.0.1.

Action=getSigninToken checks the Session JSON and SessionDuration as AWS does
and answers {"SigninToken": ...}; Action=login answers a redirect to the
Destination when the token is one it issued. Every request is recorded.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SESSION_KEYS = {"sessionId", "sessionKey", "sessionToken"}


@dataclass
class Request:
    path: str
    query: dict[str, str]


class FakeFederation:
    def __init__(self):
        self.url = ""
        self.requests: list[Request] = []
        self.tokens: dict[str, dict] = {}  # sign-in token → the Session it was issued for
        self.status: int | None = None  # answer every getSigninToken with this, when set
        self.body: bytes | None = None  # or with this body
        self._server: ThreadingHTTPServer | None = None

    def __enter__(self) -> FakeFederation:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}/federation"
        threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def handle(self, target: str) -> tuple[int, dict, bytes]:
        parts = urlsplit(target)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        self.requests.append(Request(parts.path, query))
        if parts.path != "/federation":
            return 404, {}, b""
        action = query.get("Action")
        if action == "getSigninToken":
            return self._signin_token(query)
        if action == "login":
            if query.get("SigninToken") not in self.tokens or not query.get("Destination"):
                return 400, {}, b"bad login request"
            return 302, {"Location": query["Destination"]}, b""
        return 400, {}, b"unknown Action"

    def _signin_token(self, query: dict) -> tuple[int, dict, bytes]:
        if self.status is not None or self.body is not None:
            return self.status or 200, {}, self.body or b""
        try:
            session = json.loads(query.get("Session", ""))
        except ValueError:
            return 400, {}, b""
        if not isinstance(session, dict) or set(session) != SESSION_KEYS \
                or not all(isinstance(v, str) and v for v in session.values()):
            return 400, {}, b""
        duration = query.get("SessionDuration")
        if duration is not None and not (duration.isdigit() and 900 <= int(duration) <= 43200):
            return 400, {}, b""
        token = secrets.token_urlsafe(48)
        self.tokens[token] = session
        return 200, {"Content-Type": "application/json"}, json.dumps({"SigninToken": token}).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        status, headers, body = self.server.fake.handle(self.path)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass
