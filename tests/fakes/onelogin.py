"""A fake OneLogin API on a real HTTP server, for testing olenv end to end.

It serves the calls olenv makes: the OAuth2 token, Generate SAML Assertion and
Verify Factor, in both API versions. v1 wraps every reply in
{"status": {...}, "data": ...}; v2 replies are flat and its errors are
{"statusCode", "name", "message"}. Users, their MFA devices and failures are
set up per test; every request is recorded so tests can check what olenv sent.

Where the replies come from: the shapes and texts are OneLogin's documented
samples, or replies seen from real tenants in public reports (token 401
"Authentication Failure", "OTP token blank", v2's IP-policy refusal, v1's "App
could not be found", "Failed authentication with this factor"). Where no source
says, the choice is marked ASSUMED beside the code, and docs/onelogin-api.md
lists it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fakes.saml import role_value, saml_response

SUCCESS = "Success"
MFA_REQUIRED = "MFA is required for this user"
PENDING_PUSH = "Authentication pending on OL Protect"
PENDING_SMS = "Authentication pending, SMS with OTP token sent"
PENDING_EMAIL = "Authentication pending, email with OTP token sent"  # ASSUMED text
PENDING_VOICE = "Authentication pending on OneLogin Voice"  # ASSUMED text
BAD_CREDENTIALS = "Authentication Failed: Invalid user credentials"
BAD_FACTOR = "Failed authentication with this factor"
BAD_STATE = "State token is invalid or expired"
LOCKED = "User is locked. Access is unauthorized"
DENIED = "Authentication denied"  # ASSUMED: a denied push's text is unrecorded
TOKEN_REFUSED = "Authentication Failure"  # the token endpoint's 401, seen live
OTP_BLANK = "OTP token blank"  # a code device verified without a code (v1, seen live)
APP_NOT_FOUND = "App could not be found"  # v1, seen live; ASSUMED the same in v2
# ASSUMED: no public report shows what a factor the API cannot verify answers.
NOT_API_FACTOR = "This factor cannot be verified through the API"
APP_NAME = "Amazon Web Services (AWS) Multi Account"

# v2 error names; v1 uses the "type" strings of the documented samples.
_V2_NAMES = {400: "BadRequest", 401: "Unauthorized", 404: "NotFound"}
_V1_TYPES = {400: "bad request", 401: "Unauthorized", 404: "not found"}

_CLIENT_HEADER = re.compile(r"\s*client_id:\s*([^,\s]+)\s*,\s*client_secret:\s*(\S+)\s*$")


class Headers(dict):
    """Request headers whose names compare case-insensitively, as in HTTP."""

    def __init__(self, items=()):
        super().__init__((k.lower(), v) for k, v in items)

    def __getitem__(self, key):
        return super().__getitem__(key.lower())

    def __contains__(self, key):
        return super().__contains__(key.lower())

    def get(self, key, default=None):
        return super().get(key.lower(), default)


@dataclass
class Request:
    method: str
    path: str
    headers: Headers
    json: Any  # the parsed body, or None when it is empty or not JSON
    body: bytes
    at: float = 0.0  # time.monotonic() when it arrived


@dataclass
class User:
    username: str
    password: str
    roles: list[str]
    devices: list[dict]
    locked: bool = False
    otp_code: str = "123456"
    push: str = "approve"  # "approve" | "deny" | "never": a push, or a Voice call
    push_after: int = 1
    mfa_unenrolled: bool = False  # MFA required by policy, no device enrolled
    session_name: str | None = None
    ip_allow: str | None = None
    saml: str | None = None  # a fixed base64 assertion instead of a built one
    id: int = 0
    # What olenv did to this user, so tests can check it.
    saml_assertion_calls: int = 0  # Generate SAML Assertion calls naming this user
    passwords_seen: int = 0  # of those, how many carried a password
    verify_calls: int = 0
    otp_tokens_seen: list[str] = field(default_factory=list)
    sms_sent: int = 0
    emails_sent: int = 0
    calls_placed: int = 0
    pushes_sent: int = 0
    assertions: list[str] = field(default_factory=list)  # every SAML Response handed out

    def assertion(self) -> str:
        text = self.saml or saml_response(self.roles, session_name=self.session_name or self.username)
        self.assertions.append(text)
        return text


@dataclass
class _State:
    user: User
    expires: float
    push_sent: bool = False
    polls: int = 0  # polls since the push (or call) was sent
    sms_sent: bool = False
    email_sent: bool = False


class _Fail(Exception):
    def __init__(self, status: int, message: str, name: str | None = None):
        super().__init__(message)
        self.status, self.message, self.name = status, message, name


@dataclass
class _Reply:
    status: int
    body: dict | str | None
    headers: dict = field(default_factory=dict)


class FakeOneLogin:
    client_id = "test-client-id"
    client_secret = "test-client-secret"
    app_id = "123456"
    subdomain = "acme"

    # Ready-made MFA devices, in the shape the SAML reply lists them.
    OTP = {"device_id": 666666, "device_type": "Google Authenticator"}
    SMS = {"device_id": 777777, "device_type": "OneLogin SMS"}
    PUSH = {"device_id": 888888, "device_type": "OneLogin Protect"}
    YUBIKEY = {"device_id": 1111111, "device_type": "Yubico YubiKey"}
    DUO = {"device_id": 2222222, "device_type": "Duo Duo Security"}  # as saml2aws sees it
    # ASSUMED type strings: no public capture shows them.
    EMAIL = {"device_id": 3333333, "device_type": "OneLogin Email"}
    VOICE = {"device_id": 4444444, "device_type": "OneLogin Voice"}
    WEBAUTHN = {"device_id": 5555555, "device_type": "WebAuthn"}

    def __init__(self, state_token_lifetime: float = 300.0, tls=None):
        """tls: an ssl.SSLContext to serve https with (fakes.tls makes one)."""
        self.state_token_lifetime = state_token_lifetime
        self.tls = tls
        # An app policy refusing the caller's IP address (v2's text, seen live).
        self.deny_ip = False
        # Seconds every reply waits before it leaves, as over the internet (bench --latency).
        self.latency = 0.0
        self.url = ""
        self.users: dict[str, User] = {}
        self.requests: list[Request] = []
        self._access_token: str | None = None
        self._states: dict[str, _State] = {}
        self._failures: list[list] = []  # [suffix, status, times left, body, headers, skip]
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle ---------------------------------------------------------

    def start(self) -> FakeOneLogin:
        # The socket is bound and listening once the constructor returns.
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self
        host, port = self._server.server_address[:2]
        if self.tls is not None:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        self.url = f"{'https' if self.tls else 'http'}://{host}:{port}"
        # A short poll interval keeps stop() quick.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.01,),
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None

    def __enter__(self) -> FakeOneLogin:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- set-up -------------------------------------------------------------

    def add_user(self, username: str, password: str, *, roles: list[str] | None = None,
                 devices: list[dict] | None = None, locked: bool = False,
                 otp_code: str = "123456", push: str = "approve", push_after: int = 1,
                 session_name: str | None = None, ip_allow: str | None = None,
                 saml: str | None = None, mfa_unenrolled: bool = False) -> User:
        """A user of the AWS app. No devices means no MFA: the assertion comes at once."""
        if push not in ("approve", "deny", "never"):
            raise ValueError(f"push must be approve, deny or never, not {push!r}")
        user = User(username, password,
                    roles=list(roles) if roles is not None else [role_value("111111111111", "Admin")],
                    devices=[dict(d) for d in devices or []], locked=locked, otp_code=otp_code,
                    push=push, push_after=push_after, session_name=session_name,
                    ip_allow=ip_allow, saml=saml, mfa_unenrolled=mfa_unenrolled,
                    id=88888800 + len(self.users))
        self.users[username] = user
        return user

    def fail_next(self, path_suffix: str, status: int, times: int = 1,
                  body: dict | str | None = None, headers: dict | None = None,
                  after: int = 0) -> None:
        """Answer the next `times` requests whose path ends with `path_suffix` with `status`,
        once `after` such requests went through as usual.

        body: a dict is sent as JSON, a str as an HTML page, None as the API's
        usual error shape for that path.
        """
        with self._lock:
            self._failures.append([path_suffix, status, times, body, dict(headers or {}), after])

    def expire_state_tokens(self) -> None:
        with self._lock:
            self._states.clear()

    def expire_access_tokens(self) -> None:
        with self._lock:
            self._access_token = None

    def count(self, path_suffix: str) -> int:
        return sum(r.path.endswith(path_suffix) for r in self.requests)

    # --- request handling ---------------------------------------------------

    def _handle(self, method: str, target: str, headers: Headers, body: bytes) -> _Reply:
        path = urlsplit(target).path
        parsed = _parse_json(body)
        with self._lock:
            self.requests.append(Request(method, path, headers, parsed, body, time.monotonic()))
            version = 2 if path.startswith("/api/2/") else 1
            failure = self._take_failure(path)
            if failure is not None:
                status, fbody, fheaders = failure
                if fbody is None:
                    fbody = _error_body(version, status, _phrase(status))
                return _Reply(status, fbody, fheaders)
            route = _ROUTES.get(path)
            if route is None or method != "POST":
                return _Reply(404, _error_body(2, 404, "Not Found"))
            try:
                return route(self, version, headers, body, parsed)
            except _Fail as fail:
                return _Reply(fail.status, _error_body(version, fail.status, fail.message, fail.name))

    def _take_failure(self, path: str):
        for failure in self._failures:
            suffix, status, times, body, headers, skip = failure
            if times > 0 and path.endswith(suffix):
                if skip > 0:
                    failure[5] -= 1
                    continue
                failure[2] -= 1
                return status, body, headers
        return None

    def _token(self, version, headers, body, parsed) -> _Reply:
        # The docs also allow a form body carrying the credentials.
        form = {}
        if "x-www-form-urlencoded" in headers.get("Content-Type", ""):
            form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
            parsed = form
        elif parsed is None and body.strip():
            raise _Fail(400, "grant_type is incorrect/absent")
        if _client_credentials(headers, form) != (self.client_id, self.client_secret):
            raise _Fail(401, TOKEN_REFUSED)
        if not isinstance(parsed, dict) or parsed.get("grant_type") != "client_credentials":
            raise _Fail(400, "grant_type is incorrect/absent")
        # The same credentials get the same token until it expires or is revoked.
        if self._access_token is None:
            self._access_token = secrets.token_hex(32)
        return _Reply(200, {
            "access_token": self._access_token,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "expires_in": 36000,
            "refresh_token": secrets.token_hex(32),
            "token_type": "bearer",
            "account_id": 555555,
        })

    def _checked_body(self, headers: Headers, body: bytes, parsed) -> dict:
        """The JSON object of an API call that carries a valid bearer token."""
        scheme, _, token = headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not self._access_token or token.strip() != self._access_token:
            raise _Fail(401, "Please provide valid credentials", "InvalidCredentials")
        if parsed is None and body.strip():
            raise _Fail(400, "Invalid request body: not JSON")
        if not isinstance(parsed, dict | None):
            raise _Fail(400, "Invalid request body: not a JSON object")
        return parsed or {}

    def _saml_assertion(self, version, headers, body, parsed) -> _Reply:
        req = self._checked_body(headers, body, parsed)
        username = req.get("username_or_email") or ""
        password = req.get("password") or ""
        user = self.users.get(username)
        if user is not None:
            user.saml_assertion_calls += 1
            user.passwords_seen += bool(password)
        if req.get("subdomain") != self.subdomain:
            raise _Fail(400, "Invalid subdomain")
        if not username:
            raise _Fail(400, "username is empty")
        if not password:
            raise _Fail(400, "password is empty")
        if str(req.get("app_id")) != self.app_id:
            raise _Fail(404, APP_NOT_FOUND)
        if user is None or password != user.password:
            raise _Fail(401, BAD_CREDENTIALS)
        if user.locked:
            raise _Fail(401, LOCKED)
        if self.deny_ip:
            # ASSUMED: v1 refuses with the same text (only v2's was seen).
            raise _Fail(401, f"You are not allowed to access {APP_NAME} "
                             "from your current IP address")
        # ASSUMED: a user whom policy requires MFA of, with nothing enrolled, gets "MFA
        # required" with an empty device list; no capture shows this case.
        if not user.mfa_unenrolled and (
                not user.devices or (user.ip_allow and req.get("ip_address") == user.ip_allow)):
            return _success(version, user.assertion())
        token = secrets.token_hex(20)
        self._states[token] = _State(user, time.monotonic() + self.state_token_lifetime)
        mfa = {
            "state_token": token,
            "devices": [dict(d) for d in user.devices],
            "callback_url": f"{self.url}/api/{version}/saml_assertion/verify_factor",
            "user": _user_info(user),
        }
        if version == 1:
            return _Reply(200, {"status": _status(MFA_REQUIRED), "data": [mfa]})
        return _Reply(200, {"state_token": token, "message": MFA_REQUIRED,
                            **{k: v for k, v in mfa.items() if k != "state_token"}})

    def _verify_factor(self, version, headers, body, parsed) -> _Reply:
        req = self._checked_body(headers, body, parsed)
        state = self._states.get(str(req.get("state_token") or ""))
        if state is None or time.monotonic() >= state.expires:
            raise _Fail(401, BAD_STATE)
        if str(req.get("app_id")) != self.app_id:
            raise _Fail(404, APP_NOT_FOUND)
        user = state.user
        user.verify_calls += 1
        device = next((d for d in user.devices
                       if str(d["device_id"]) == str(req.get("device_id"))), None)
        if device is None:
            raise _Fail(400, "Invalid device_id")
        kind = str(device.get("device_type", ""))
        otp = req.get("otp_token")
        notify = not _true(req.get("do_not_notify", False))
        if _kind(kind) == "unsupported":
            raise _Fail(400, NOT_API_FACTOR)
        if otp not in (None, ""):
            user.otp_tokens_seen.append(str(otp))
            # A sent code exists only once it was sent.
            unsent = (_kind(kind) == "sms" and not state.sms_sent) or (
                _kind(kind) == "email" and not state.email_sent)
            if str(otp) != user.otp_code or unsent or _kind(kind) == "voice":
                raise _Fail(401, BAD_FACTOR)
            return self._grant(version, req, user)
        if _kind(kind) == "sms":
            state.sms_sent = True
            user.sms_sent += 1
            return _pending(version, PENDING_SMS)
        if _kind(kind) == "email":
            state.email_sent = True
            user.emails_sent += 1
            return _pending(version, PENDING_EMAIL)
        if _kind(kind) == "otp":
            raise _Fail(400, OTP_BLANK)
        # Protect and Voice: the first call notifies, polls carry do_not_notify.
        # ASSUMED for Voice: it follows Protect's do_not_notify, as OneLogin polls both.
        if notify:
            state.push_sent, state.polls = True, 0
            if _kind(kind) == "voice":
                user.calls_placed += 1
                return _pending(version, PENDING_VOICE)
            user.pushes_sent += 1
            return _pending(version, PENDING_PUSH)
        # A poll. Without a push sent, nothing can ever be approved.
        if not state.push_sent or user.push == "never" or state.polls < user.push_after:
            state.polls += state.push_sent
            return _pending(version, PENDING_VOICE if _kind(kind) == "voice" else PENDING_PUSH)
        if user.push == "deny":
            raise _Fail(401, DENIED)
        return self._grant(version, req, user)

    def _grant(self, version, req: dict, user: User) -> _Reply:
        self._states.pop(str(req.get("state_token")), None)  # a state token is single use
        return _success(version, user.assertion())


_ROUTES = {
    "/auth/oauth2/v2/token": FakeOneLogin._token,
    "/api/1/saml_assertion": FakeOneLogin._saml_assertion,
    "/api/2/saml_assertion": FakeOneLogin._saml_assertion,
    "/api/1/saml_assertion/verify_factor": FakeOneLogin._verify_factor,
    "/api/2/saml_assertion/verify_factor": FakeOneLogin._verify_factor,
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as urllib3 pools connections
    # Headers and body leave in one write (flushed after each request): split
    # writes meet delayed ACKs and cost ~40 ms a reply.
    wbufsize = -1
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        reply = self.server.fake._handle(self.command, self.path, Headers(self.headers.items()), body)
        if self.server.fake.latency:
            time.sleep(self.server.fake.latency)
        if isinstance(reply.body, str):
            data, ctype = reply.body.encode(), "text/html; charset=utf-8"
        else:
            data, ctype = json.dumps(reply.body).encode(), "application/json; charset=utf-8"
        self.send_response(reply.status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, str(value))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, *args) -> None:
        pass  # keep test output clean


def _parse_json(body: bytes):
    try:
        return json.loads(body) if body.strip() else None
    except ValueError:
        return None


def _client_credentials(headers: Headers, form: dict) -> tuple[str, str] | None:
    auth = headers.get("Authorization", "")
    if match := _CLIENT_HEADER.match(auth):
        return match.group(1), match.group(2)
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "basic":
        try:
            user, _, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return user, secret
    if "client_id" in form:
        return form.get("client_id", ""), form.get("client_secret", "")
    return None


def _kind(device_type: str) -> str:
    """What the fake does with a device type: push, voice, sms, email, otp or unsupported.
    ASSUMED: the code devices are those public clients name; any other type cannot be
    verified through the API."""
    name = device_type.lower()
    if "protect" in name or name == "onelogin":
        return "push"
    for word in ("voice", "sms", "email"):
        if word in name:
            return word
    if any(w in name for w in ("authenticator", "yubikey", "duo", "rsa")):
        return "otp"
    return "unsupported"


def _true(value) -> bool:
    return value is True or str(value).lower() == "true"


def _status(message: str, kind: str = "success", code: int = 200, error: bool = False) -> dict:
    return {"type": kind, "message": message, "code": code, "error": error}


def _success(version: int, saml: str) -> _Reply:
    if version == 1:
        return _Reply(200, {"status": _status(SUCCESS), "data": saml})
    return _Reply(200, {"data": saml, "message": SUCCESS})


def _pending(version: int, message: str) -> _Reply:
    if version == 1:
        return _Reply(200, {"status": _status(message, kind="pending"), "data": None})
    return _Reply(200, {"message": message})


def _error_body(version: int, status: int, message: str, name: str | None = None) -> dict:
    if version == 1:
        kind = _V1_TYPES.get(status) or _phrase(status)
        return {"status": _status(message, kind=kind, code=status, error=True)}
    name = name or _V2_NAMES.get(status) or _phrase(status).replace(" ", "")
    return {"statusCode": status, "name": name, "message": message}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _user_info(user: User) -> dict:
    local = user.username.split("@")[0]
    return {"lastname": "Tester", "username": local,
            "email": user.username if "@" in user.username else f"{local}@example.com",
            "firstname": local.capitalize(), "id": user.id}
