"""The HTTP client for OneLogin's API: token, Generate SAML Assertion, Verify Factor.

Retries are done here rather than by urllib3, so the rule that guards the
password is written out: a saml_assertion POST is resent only when OneLogin
said "not now" (429, 503) or the connection failed before a byte left. A
refused password is never resent by itself, since repeated failures lock the
account.
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

_MAX_RETRY_AFTER = 30.0
_VERIFY = "MFA verification"
_SIGN_IN = "sign-in"


class OneLoginClient:
    def __init__(self, base_url: str, client_id: str, client_secret: str, *,
                 api_version: int = 2, timeout: tuple[float, float] = (10, 30),
                 retries: int = 3, backoff: float = 0.5,
                 client_origin: str = "onelogin.sdk.json"):
        import urllib3  # here, not at the top: olenv's fast paths never pay for it

        self._urllib3 = urllib3
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        self.host = parts.netloc or self.base_url
        self.api_version = api_version
        self._client_id = client_id
        self._client_secret = client_secret
        self._client_origin = client_origin  # where the id and secret came from, for errors
        self._timeout = urllib3.Timeout(connect=timeout[0], read=timeout[1])
        self._timeouts = timeout
        self._retries = retries
        self._backoff = backoff
        self._token: str | None = None
        self._pool = urllib3.PoolManager(retries=False, timeout=self._timeout)

    def __repr__(self) -> str:
        return f"OneLoginClient({self.base_url!r}, api_version={self.api_version})"

    # --- the API --------------------------------------------------------------

    def token(self) -> str:
        """The OAuth2 access token, fetched once and kept in memory only."""
        if self._token is None:
            status, body = self._call(
                "/auth/oauth2/v2/token", {"grant_type": "client_credentials"},
                {"Authorization": f"client_id:{self._client_id}, client_secret:{self._client_secret}"},
                password=False, secrets=(self._client_secret,))
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
            self._token = token
        return self._token

    def saml_assertion(self, username: str, password: str, app_id: str, subdomain: str,
                       ip: str | None = None) -> Reply:
        payload = {"username_or_email": username, "password": password,
                   "app_id": str(app_id), "subdomain": subdomain}
        if ip:
            payload["ip_address"] = ip
        return self._api("saml_assertion", payload, _SIGN_IN, password=True,
                         secrets=(password,))

    def verify_factor(self, app_id: str, device_id: str, state_token: str,
                      otp: str | None = None, do_not_notify: bool = False) -> Reply:
        # Always our own base URL: the reply's callback_url is never followed.
        payload: dict[str, Any] = {"app_id": str(app_id), "device_id": str(device_id),
                                   "state_token": state_token, "do_not_notify": do_not_notify}
        if otp:
            payload["otp_token"] = otp
        return self._api("saml_assertion/verify_factor", payload, _VERIFY, password=False,
                         secrets=(state_token, otp or ""))

    # --- plumbing ---------------------------------------------------------------

    def _api(self, name: str, payload: dict, step: str, *, password: bool,
             secrets: tuple[str, ...]) -> Reply:
        headers = {"Authorization": f"bearer {self.token()}"}
        status, body = self._call(f"/api/{self.api_version}/{name}", payload, headers,
                                  password=password, secrets=secrets + (self._token,))
        reply = classify(body) if status < 300 else None
        if reply is not None:
            return reply
        error = error_for(status, body, step)
        # OneLogin has no reason to echo a secret, but a line must never show one.
        message = _redact(error.message, secrets + (self._token,))
        if message != error.message:
            error = type(error)(error.status, message, step)
        raise error

    def _call(self, path: str, payload: dict, headers: dict, *, password: bool,
              secrets: tuple[str, ...]) -> tuple[int, Any]:
        """POST JSON and return (HTTP status, parsed body), retrying what is safe to retry."""
        u3 = self._urllib3.exceptions
        url = self.base_url + path
        data = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "User-Agent": f"olenv/{__version__}", **headers}
        attempt = 0
        while True:
            try:
                # The read timeout bounds each recv, not the reply: a server trickling a
                # byte at a time would hold olenv for ever, so the body has a deadline too.
                deadline = time.monotonic() + sum(self._timeouts)
                response = self._pool.request("POST", url, body=data, headers=headers,
                                              timeout=self._timeout, retries=False,
                                              redirect=False, preload_content=False)
                raw = _read_body(response, deadline, url)
            except u3.HTTPError as exc:
                # A failed connect sent nothing, so even the password may go again;
                # a read timeout or a reset may come after OneLogin saw the request.
                unsent = isinstance(exc, u3.ConnectTimeoutError)
                if attempt < self._retries and (unsent or not password):
                    self._pause(attempt, None)
                    attempt += 1
                    continue
                reason = _redact(self._reason(exc), secrets)
                raise SignInError(f"cannot reach OneLogin at {self.host}: {reason}") from None
            status = response.status
            retryable = status in (429, 503) or (status >= 500 and not password)
            if retryable and attempt < self._retries:
                self._pause(attempt, response.headers.get("Retry-After"))
                attempt += 1
                continue
            try:
                body = json.loads(raw.decode("utf-8"))
            except ValueError:
                body = None
            if not isinstance(body, dict):
                raise SignInError(f"OneLogin answered HTTP {status} with a body that is not JSON")
            return status, body

    def _pause(self, attempt: int, retry_after: str | None) -> None:
        delay = _retry_after(retry_after)
        if delay is None:
            delay = self._backoff * (2 ** attempt)
        time.sleep(min(delay, _MAX_RETRY_AFTER))

    def _reason(self, exc: Exception) -> str:
        u3 = self._urllib3.exceptions
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


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds: a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _redact(text: str, secrets: tuple[str | None, ...]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
