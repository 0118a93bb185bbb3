"""The credential server: what AWS SDKs read from AWS_CONTAINER_CREDENTIALS_FULL_URI.

Bound to 127.0.0.1 on a random port; every request must carry the random
token handed to the child in AWS_CONTAINER_AUTHORIZATION_TOKEN, or it gets 403.
Requests are answered at once from the credentials in service; olenv.server.renewal
replaces them ahead of their end, in the background. Only once they have expired
unrenewed does a request get an error (503).
"""

import hmac
import json
import secrets
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from olenv import background
from olenv.credentials import Credentials, iso
from olenv.server.renewal import Renewal

REQUEST_TIMEOUT = 10.0  # a client that connects and says nothing holds a thread no longer


class CredentialServer:
    def __init__(self, credentials: Credentials, renew, min_ttl: int, say=None):
        self.token = secrets.token_urlsafe(32)
        self.renewal = Renewal(credentials, renew, min_ttl, say)
        self._http = _Server(("127.0.0.1", 0), _Handler)
        self._http.daemon_threads = True
        self._http.owner = self

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}/credentials"

    def start(self) -> "CredentialServer":
        # Request threads inherit this one's mask: none of them takes the user's signals.
        background.start(self._http.serve_forever, 0.1)
        self.renewal.start()
        return self

    def stop(self) -> None:
        self.renewal.stop()
        self._http.shutdown()
        self._http.server_close()

    def authorized(self, header: str | None) -> bool:
        return hmac.compare_digest((header or "").encode(), self.token.encode())


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A client that hung up or timed out is not an error, and nothing here is worth
        # a traceback on the user's terminal, where the command is writing too.
        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            sys.stderr.write(f"olenv: the credential server failed a request: "
                             f"unexpected {exc.__class__.__name__}\n")


class _Handler(BaseHTTPRequestHandler):
    timeout = REQUEST_TIMEOUT

    def do_GET(self):  # noqa: N802 - the http.server name
        owner: CredentialServer = self.server.owner
        if not owner.authorized(self.headers.get("Authorization")):
            return self._reply(403, {"message": "olenv: wrong or missing authorization token"})
        found = owner.renewal.current()
        if found is None:
            return self._reply(503, {"message": "olenv: the credentials expired and could not "
                                                f"be renewed: {owner.renewal.problem()}"})
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
