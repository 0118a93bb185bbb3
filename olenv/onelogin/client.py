"""The HTTP client for OneLogin's API: token, Generate SAML Assertion, Verify Factor.

Retries are done here rather than by urllib3, so that the rules guarding the
password and the second factor are written out in one place. A request is resent
only when OneLogin cannot have acted on it, unless acting twice does no harm:

- nothing left (the connection was refused, or not made in time): any request;
- OneLogin answered 429 or 503 ("not now", said before acting): any request, after
  the wait that Retry-After or X-RateLimit-Reset gives, else a backoff. The password
  POST goes again at most once, and only when that wait is short; otherwise one line
  says when to try again;
- any other failure after the request went out (a 5xx, a read timeout, a reset):
  only the token call and the polls of a push or a call, which change nothing.
  The password, an OTP and a trigger (push, SMS, email, call) are never resent then:
  repeated password failures lock the account, a code may already be spent, and a
  second trigger is a second push on the phone.

The whole network phase of a sign-in has one deadline (about 30 s over all retries);
time spent waiting for a person (typing, approving a push) is not counted, and
neither is a poll that was answered, since it is part of that wait.
"""

from __future__ import annotations

import email.utils
import json
import time
from typing import Any
from urllib.parse import urlsplit

from olenv import __version__
from olenv.errors import SignInError
from olenv.onelogin.replies import ApiError, Reply, classify, error_for, is_error, message_of

# API tokens this process holds: key → (token, epoch seconds it may be used until). A
# token lasts 10 hours, so one is fetched once a run, and once a session with the agent.
_TOKENS: dict[str, tuple[str, float]] = {}
TOKEN_MARGIN = 300.0  # seconds before OneLogin's expiry that a token is no longer used
_TOKEN_LIFETIME = 3600.0  # assumed when the reply does not say
_VERIFY = "MFA verification"
_SIGN_IN = "sign-in"
_SHORT_WAIT = 5.0  # the longest wait after which the password POST may go again
_EPOCH = 1e9  # an X-RateLimit-Reset beyond this is a Unix time, not seconds

# How a request may be resent: see the module docstring.
IDEMPOTENT = "idempotent"  # the token
POLL = "poll"  # is the push or call approved yet? Idempotent, and part of a person's wait
ONCE = "once"  # an OTP, a trigger
PASSWORD = "password"  # the saml_assertion POST


class OneLoginClient:
    def __init__(self, base_url: str, client_id: str, client_secret: str, *,
                 api_version: int = 2, timeout: tuple[float, float] = (10, 30),
                 retries: int = 3, backoff: float = 0.5, deadline: float = 30.0,
                 client_origin: str = "onelogin.sdk.json", tokens=None):
        """tokens: where API tokens outlive this run (the agent: api_token, keep_api_token,
        drop_api_token), or None."""
        import urllib3  # here, not at the top: olenv's fast paths never pay for it

        from olenv.onelogin.proxy import proxy_for

        self._urllib3 = urllib3
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        self.host = parts.netloc or self.base_url
        self.api_version = api_version
        self._client_id = client_id
        self._client_secret = client_secret
        self._client_origin = client_origin  # where the id and secret came from, for errors
        self._timeouts = timeout
        self._retries = retries
        self._backoff = backoff
        self.deadline = deadline
        self._spent = 0.0  # seconds of the deadline used by this sign-in
        self._answered = 0.0  # of the call under way, seconds not counted (an answered poll)
        self._token: str | None = None
        self.proxy = proxy_for(self.base_url)
        if self.proxy is None:
            self._pool = urllib3.PoolManager(retries=False)
        else:
            self._pool = urllib3.ProxyManager(self.proxy.url, proxy_headers=self.proxy.headers,
                                              retries=False)
        self._token_fetched = False  # by this client, rather than kept from before
        self._tokens = tokens

    def __repr__(self) -> str:
        return f"OneLoginClient({self.base_url!r}, api_version={self.api_version})"

    def new_phase(self) -> None:
        """Start the deadline again: a new sign-in (login --loop, a renewal)."""
        self._spent = 0.0

    # --- the API --------------------------------------------------------------

    def token(self) -> str:
        """The OAuth2 access token, kept in memory only: this process's, else the agent's,
        else fetched (and then left with both)."""
        if self._token is None:
            key = self._token_key()
            held = _TOKENS.get(key)
            if held is None and self._tokens is not None:
                held = self._tokens.api_token(key)
            if held is not None and held[1] > time.time():
                _TOKENS[key] = held
                self._token = held[0]
            else:
                token, until = self._fetch_token()
                _TOKENS[key] = (token, until)
                self._token, self._token_fetched = token, True
                if self._tokens is not None:
                    self._tokens.keep_api_token(key, token, until)
        return self._token

    def _token_key(self) -> str:
        """The API host and client id (and a digest of the secret, so a changed secret
        is tried rather than hidden behind a token the old one got)."""
        import hashlib

        digest = hashlib.sha256(self._client_secret.encode()).hexdigest()[:16]
        return f"{self.base_url} {self._client_id} {digest}"

    def _forget_token(self) -> None:
        key = self._token_key()
        _TOKENS.pop(key, None)
        if self._tokens is not None:
            self._tokens.drop_api_token(key)
        self._token = None

    def _fetch_token(self) -> tuple[str, float]:
        """A new token and the epoch seconds it may be used until."""
        asked = time.time()
        status, body = self._call(
            "/auth/oauth2/v2/token", {"grant_type": "client_credentials"},
            {"Authorization": f"client_id:{self._client_id}, client_secret:{self._client_secret}"},
            kind=IDEMPOTENT, secrets=(self._client_secret,))
        if status in (400, 401, 403):
            raise SignInError(f"OneLogin rejected the API client id/secret (HTTP {status}): "
                              f"check {self._client_origin}")
        if status >= 300 or is_error(body):
            raise ApiError(status, message_of(body), "API token request")
        # The legacy endpoint wraps the token in data[0]; v2 is flat.
        data = body.get("data")
        if "access_token" not in body and isinstance(data, list) and data \
                and isinstance(data[0], dict):
            body = data[0]
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise SignInError("OneLogin's token reply has no access_token")
        lifetime = body.get("expires_in")
        if isinstance(lifetime, bool) or not isinstance(lifetime, int | float) or lifetime <= 0:
            lifetime = _TOKEN_LIFETIME
        return token, asked + min(float(lifetime), 86400.0) - TOKEN_MARGIN

    def saml_assertion(self, username: str, password: str, app_id: str, subdomain: str,
                       ip: str | None = None) -> Reply:
        payload = {"username_or_email": username, "password": password,
                   "app_id": str(app_id), "subdomain": subdomain}
        if ip:
            payload["ip_address"] = ip
        return self._api("saml_assertion", payload, _SIGN_IN, kind=PASSWORD, secrets=(password,))

    def verify_factor(self, app_id: str, device_id: str, state_token: str,
                      otp: str | None = None, do_not_notify: bool = True,
                      poll: bool = False) -> Reply:
        """One Verify Factor call. A push (or a call) goes out only when asked for with
        do_not_notify=False. poll: asks only whether it was approved (no code), so it
        may be resent; anything else is sent once."""
        if poll:
            otp, do_not_notify = None, True
        # Always our own base URL: the reply's callback_url is never followed.
        payload: dict[str, Any] = {"app_id": str(app_id), "device_id": str(device_id),
                                   "state_token": state_token, "do_not_notify": do_not_notify}
        if otp:
            payload["otp_token"] = otp
        return self._api("saml_assertion/verify_factor", payload, _VERIFY,
                         kind=POLL if poll else ONCE, secrets=(state_token, otp or ""))

    # --- plumbing ---------------------------------------------------------------

    def _api(self, name: str, payload: dict, step: str, *, kind: str,
             secrets: tuple[str, ...]) -> Reply:
        while True:
            headers = {"Authorization": f"bearer {self.token()}"}
            status, body = self._call(f"/api/{self.api_version}/{name}", payload, headers,
                                      kind=kind, secrets=secrets + (self._token,))
            reply = classify(body) if status < 300 else None
            if reply is not None:
                return reply
            error = error_for(status, body, step)
            if error.step != "API token" or self._token_fetched:
                break
            # A kept token OneLogin no longer takes (revoked): it refused the request
            # before reading it, so the request may go once more, with a new token.
            self._forget_token()
        # OneLogin has no reason to echo a secret, but a line must never show one.
        message = _redact(error.message, secrets + (self._token,))
        if message != error.message:
            error = type(error)(error.status, message, step)
        raise error

    def _call(self, path: str, payload: dict, headers: dict, *, kind: str,
              secrets: tuple[str, ...]) -> tuple[int, Any]:
        """POST JSON and return (HTTP status, parsed body), resending what is safe to resend."""
        started = time.monotonic()
        self._answered = 0.0
        try:
            return self._attempts(path, payload, headers, kind, secrets, started)
        finally:
            self._spent += time.monotonic() - started - self._answered

    def _left(self, started: float) -> float:
        return self.deadline - self._spent - (time.monotonic() - started)

    def _attempts(self, path, payload, headers, kind, secrets, started) -> tuple[int, Any]:
        u3 = self._urllib3.exceptions
        url = self.base_url + path
        data = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "User-Agent": f"olenv/{__version__}", **headers}
        attempt = 0
        answered_resend = False  # the password POST went again after a reply
        while True:
            left = self._left(started)
            if left <= 0:
                raise self._out_of_time()
            connect, read = (min(t, left) for t in self._timeouts)
            sent = time.monotonic()
            try:
                # The read timeout bounds each recv, not the reply: a server trickling a
                # byte at a time would hold olenv for ever, so the body has a deadline too.
                body_deadline = time.monotonic() + min(sum(self._timeouts), left)
                response = self._pool.request(
                    "POST", url, body=data, headers=headers, retries=False, redirect=False,
                    timeout=self._urllib3.Timeout(connect=connect, read=read),
                    preload_content=False)
                raw = _read_body(response, body_deadline, url)
            except u3.HTTPError as exc:
                if self._left(started) <= 0.01:
                    raise self._out_of_time() from None
                if attempt < self._retries and (kind in (IDEMPOTENT, POLL) or self._unsent(exc)):
                    self._pause(self._backoff * (2 ** attempt), started)
                    attempt += 1
                    continue
                reason = _redact(self._reason(exc), secrets)
                raise SignInError(f"cannot reach OneLogin at {self.host}{self._via()}: "
                                  f"{reason}") from None
            status = response.status
            if kind == POLL and status < 300:
                self._answered = time.monotonic() - sent
            if status in (429, 503):
                wait = _server_wait(response.headers)
                if kind == PASSWORD:
                    short = wait is not None and wait <= _SHORT_WAIT
                    if answered_resend or not short:
                        raise SignInError(_not_now(status, wait))
                    answered_resend = True
                    self._pause(wait, started, status)
                    continue
                if attempt < self._retries:
                    self._pause(self._backoff * (2 ** attempt) if wait is None else wait,
                                started, status)
                    attempt += 1
                    continue
            elif status >= 500 and kind in (IDEMPOTENT, POLL) and attempt < self._retries:
                self._pause(self._backoff * (2 ** attempt), started)
                attempt += 1
                continue
            try:
                body = json.loads(raw.decode("utf-8"))
            except ValueError:
                body = None
            if not isinstance(body, dict):
                raise SignInError(f"OneLogin answered HTTP {status} with a body that is not JSON")
            return status, body

    def _unsent(self, exc: Exception) -> bool:
        """True when the request cannot have reached OneLogin: no connection was made."""
        u3 = self._urllib3.exceptions
        if isinstance(exc, u3.ProxyError):
            # Wrapped by urllib3 only when the proxy itself was never reached.
            exc = next((a for a in exc.args if isinstance(a, Exception)), exc)
        return isinstance(exc, (u3.NewConnectionError, u3.ConnectTimeoutError))

    def _pause(self, delay: float, started: float, status: int | None = None) -> None:
        if delay > self._left(started):
            if status is not None:
                raise SignInError(_not_now(status, delay))
            raise self._out_of_time()
        time.sleep(delay)

    def _out_of_time(self) -> SignInError:
        return SignInError(f"OneLogin at {self.host} did not answer within "
                           f"{self.deadline:g} s{self._via()}")

    def _via(self) -> str:
        return f" through the proxy {self.proxy.host}" if self.proxy else ""

    def _reason(self, exc: Exception) -> str:
        u3 = self._urllib3.exceptions
        if isinstance(exc, u3.ProxyError):
            inner = next((a for a in exc.args if isinstance(a, Exception)), None)
            return "the proxy: " + (self._reason(inner) if inner else _first_line(exc))
        name_error = getattr(u3, "NameResolutionError", ())
        if name_error and isinstance(exc, name_error):
            return "host name not found"
        if isinstance(exc, u3.NewConnectionError):
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, OSError) and cause.strerror:
                return cause.strerror[0].lower() + cause.strerror[1:]
            return "cannot connect"
        if isinstance(exc, u3.ConnectTimeoutError):
            return f"no connection within {self._timeouts[0]:g} s"
        if isinstance(exc, u3.ReadTimeoutError):
            return f"no answer within {self._timeouts[1]:g} s"
        if isinstance(exc, u3.SSLError):
            return f"TLS failed: {_first_line(exc)}"
        if isinstance(exc, u3.ProtocolError):
            return "the connection broke before the reply was complete"
        return _first_line(exc)


def _read_body(response, deadline: float, url: str) -> bytes:
    from urllib3.exceptions import ReadTimeoutError

    chunks = []
    try:
        while chunk := response.read1(65536):
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise ReadTimeoutError(None, url, "the reply took too long")
    except BaseException:
        response.close()  # half a reply on it: the connection cannot be reused
        raise
    response.release_conn()
    return b"".join(chunks)


def _server_wait(headers) -> float | None:
    """Seconds OneLogin asks olenv to wait: Retry-After (seconds or an HTTP date), else
    X-RateLimit-Reset (seconds until the limit resets, as OneLogin's rate-limit API
    gives it; a Unix time if it is that large). None when neither says."""
    value = (headers.get("Retry-After") or "").strip()
    if value:
        seconds = _number(value)
        if seconds is not None:
            return max(0.0, seconds)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return max(0.0, when.timestamp() - time.time())
    reset = _number(headers.get("X-RateLimit-Reset") or "")
    if reset is None:
        return None
    return max(0.0, reset - time.time() if reset > _EPOCH else reset)


def _number(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if abs(value) < 1e12 else None  # not nan, not inf, not absurd


def _not_now(status: int, wait: float | None) -> str:
    what = "is limiting requests" if status == 429 else "is unavailable"
    if wait is None:
        return f"OneLogin {what} (HTTP {status}) and did not say for how long: try again later"
    return f"OneLogin {what} (HTTP {status}): try again in {_duration(wait)}"


def _duration(seconds: float) -> str:
    seconds = max(1, round(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{round(seconds / 60)} min"
    return f"{round(seconds / 3600)} h"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _redact(text: str, secrets: tuple[str | None, ...]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
