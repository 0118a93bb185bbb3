"""The credential server: what AWS SDKs read from AWS_CONTAINER_CREDENTIALS_FULL_URI.

Bound to 127.0.0.1 on a random port; every request must carry the random
token handed to the child in AWS_CONTAINER_AUTHORIZATION_TOKEN, or it gets 403.
Credentials with min_ttl seconds or less left are renewed before they are served.
"""

import hmac
import json
import secrets
import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from olenv import background
from olenv.credentials import Credentials, iso
from olenv.errors import OlenvError


class CredentialServer:
    def __init__(self, credentials: Credentials, renew, min_ttl: int):
        self.token = secrets.token_urlsafe(32)
        self._credentials = credentials
        self._renew = renew
        self._min_ttl = min_ttl
        self._lock = threading.Lock()  # one renewal at a time, however many requests wait
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._http.daemon_threads = True
        self._http.owner = self

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}/credentials"

    def start(self) -> "CredentialServer":
        # Request threads inherit this one's mask: none of them takes the user's signals.
        background.start(self._http.serve_forever, 0.1)
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def authorized(self, header: str | None) -> bool:
        return hmac.compare_digest((header or "").encode(), self.token.encode())

    def current(self) -> Credentials:
        with self._lock:
            left = (self._credentials.expiration - datetime.now(timezone.utc)).total_seconds()
            if left <= self._min_ttl:
                self._credentials = self._renew()
            return self._credentials


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server name
        owner: CredentialServer = self.server.owner
        if not owner.authorized(self.headers.get("Authorization")):
            return self._reply(403, {"message": "olenv: wrong or missing authorization token"})
        try:
            found = owner.current()
        except OlenvError as exc:
            sys.stderr.write(f"olenv: cannot renew the credentials: {exc}\n")
            return self._reply(500, {"message": f"olenv: cannot renew the credentials: {exc}"})
        self._reply(200, {"AccessKeyId": found.access_key_id,
                          "SecretAccessKey": found.secret_access_key,
                          "Token": found.session_token, "Expiration": iso(found.expiration)})

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass  # request lines are nobody's business on the terminal
