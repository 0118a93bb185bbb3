"""What OneLogin's replies mean, in both API versions; pure functions, no I/O.

v1 wraps everything in {"status": {...}, "data": ...}; v2 is flat and its errors
are {"statusCode", "name", "message"}. Both shapes are read everywhere, because
a tenant, a proxy or a version change may mix them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from olenv.errors import SignInError
from olenv.text import safe

_MAX_MESSAGE = 200


# Device types as the SAML reply names them, by what olenv must do with each. The v1
# names are OneLogin's own ("OneLogin Protect", "OneLogin SMS"); v2 also says "OneLogin"
# and "SMS". Duo arrives as "Duo Duo Security" and takes its passcode as otp_token
# (saml2aws PR #1227). Anything not listed here, WebAuthn and security keys among
# them, needs a browser or a device olenv cannot reach from a terminal.
_CODE_DEVICES = ("authenticator", "yubikey", "yubico", "duo", "rsa", "securid", "authy",
                 "vip")


@dataclass(frozen=True)
class Device:
    id: str
    type: str

    @property
    def kind(self) -> str:
        """push (Protect), voice, sms, email, otp (a typed code) or unsupported."""
        name = " ".join(self.type.lower().split())
        if "protect" in name or name == "onelogin":
            return "push"
        if "voice" in name:
            return "voice"  # a phone call answered with a key press, polled like a push
        if "sms" in name:
            return "sms"
        if "email" in name or "e-mail" in name:
            return "email"
        if any(word in name for word in _CODE_DEVICES):
            return "otp"
        return "unsupported"

    @property
    def name(self) -> str:
        """The type as a person may see it: OneLogin's text, made safe and kept short."""
        return _clean(self.type, 60)

    @property
    def label(self) -> str:
        return f"{self.name} ({_clean(self.id, 40)})"


@dataclass(frozen=True)
class Success:
    saml: str  # the base64 SAMLResponse, exactly as OneLogin sent it

    def __repr__(self) -> str:
        return "Success(saml=<hidden>)"


@dataclass(frozen=True)
class MfaRequired:
    state_token: str
    devices: list[Device]
    user_id: str | None
    callback_url: str | None

    def __repr__(self) -> str:
        return f"MfaRequired(devices={self.devices!r}, user_id={self.user_id!r})"


@dataclass(frozen=True)
class Pending:
    message: str


Reply = Success | MfaRequired | Pending


class ApiError(SignInError):
    """OneLogin answered with an error; the line names the HTTP status and its message."""

    def __init__(self, status: int, message: str, step: str):
        self.status, self.message, self.step = status, message, step
        super().__init__(_line(status, message, step))


class InvalidCredentials(ApiError):
    """The username or password was refused: never resend it by itself."""


class StateTokenExpired(ApiError):
    """The MFA state token is no longer valid: sign in again."""


class FactorRejected(ApiError):
    """A wrong OTP code, or a denied push."""


def _line(status: int, message: str, step: str) -> str:
    if status == 429:
        return f"OneLogin is limiting requests (HTTP 429): {message}"
    if status >= 500:
        return f"OneLogin failed the {step} (HTTP {status}): {message}"
    if status < 300:
        return f"OneLogin's reply to the {step} is not one olenv knows: {message}"
    return f"OneLogin refused the {step} (HTTP {status}): {message}"


def _clean(text: str, limit: int = _MAX_MESSAGE) -> str:
    # The text goes to a terminal: white space becomes one space, other control characters
    # (escape sequences) are escaped.
    text = safe(" ".join(text.split()))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def message_of(body: Any) -> str:
    """OneLogin's message: v1 status.message (a string, or an object with a
    description), then v2's top-level message, then its name."""
    if isinstance(body, dict):
        status = body.get("status")
        if isinstance(status, dict):
            message = status.get("message")
            if isinstance(message, dict):
                message = message.get("description") or message.get("message")
            if isinstance(message, str) and message.strip():
                return _clean(message)
        for key in ("message", "name", "error_description", "error"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return _clean(value)
    return "no message"


def is_error(body: Any) -> bool:
    """A reply that says it failed even though its HTTP status may be 200."""
    if not isinstance(body, dict):
        return True
    status = body.get("status")
    return (isinstance(status, dict) and status.get("error") is True) or (
        isinstance(body.get("statusCode"), int) and body["statusCode"] >= 400)


def error_status(http_status: int, body: Any) -> int:
    """The status to show: the HTTP one, unless a 200 carries an error code."""
    if http_status < 400 and isinstance(body, dict):
        status = body.get("status")
        code = status.get("code") if isinstance(status, dict) else body.get("statusCode")
        if isinstance(code, int) and code >= 400:
            return code
    return http_status


# What OneLogin says when the username or password is wrong, in either API version.
# The reference tool matches the first three; "Authentication Failure" is the token
# endpoint's word for bad client credentials, seen live.
_WRONG_PASSWORD = ("invalid user credentials", "authentication failed", "authentication failure",
                   "password is empty", "invalid username or password", "wrong password")
_BAD_BEARER = "please provide valid credentials"  # v2's documented bad-bearer message


def error_for(http_status: int, body: Any, step: str) -> ApiError:
    """The typed error for an error reply to "sign-in" or "MFA verification".

    The message and status decide, never `name` alone: v2 names its bad-bearer reply
    InvalidCredentials, and a tenant may use that name for a wrong password too.
    """
    status = error_status(http_status, body)
    message = message_of(body)
    text = message.lower()
    if "state token" in text and ("invalid" in text or "expired" in text):
        return StateTokenExpired(status, message, step)
    if _BAD_BEARER in text:
        # olenv's API token was refused, not the user's password.
        return ApiError(status, message, "API token")
    if step == "sign-in" and status in (400, 401, 403) and any(
            words in text for words in _WRONG_PASSWORD):
        return InvalidCredentials(status, message, step)
    if step == "MFA verification" and ("failed authentication with this factor" in text
                                       or "denied" in text or "rejected" in text):
        return FactorRejected(status, message, step)
    return ApiError(status, message, step)


def _devices(raw: Any) -> list[Device]:
    devices = []
    for entry in raw if isinstance(raw, list) else []:
        if not isinstance(entry, dict):
            continue
        ident = entry.get("device_id", entry.get("id"))
        kind = entry.get("device_type") or entry.get("auth_factor_name") or "unknown device"
        if ident is not None:
            devices.append(Device(str(ident), str(kind)))
    return devices


def classify(body: Any) -> Reply | None:
    """Success, MfaRequired or Pending; None for a reply that is none of them."""
    if not isinstance(body, dict) or is_error(body):
        return None
    status = body.get("status") if isinstance(body.get("status"), dict) else {}
    message = message_of(body)
    if str(status.get("type", "")).lower() == "pending" or "pending" in message.lower():
        return Pending(message)
    data = body.get("data")
    if isinstance(data, str) and data.strip():
        return Success(data)
    # MFA: v2 flat, v1 inside data[0].
    mfa = body if "state_token" in body else (
        data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {})
    token = mfa.get("state_token")
    if isinstance(token, str) and token:
        user = mfa.get("user")
        user_id = user.get("id") if isinstance(user, dict) else None
        callback = mfa.get("callback_url")
        return MfaRequired(token, _devices(mfa.get("devices")),
                           None if user_id is None else str(user_id),
                           callback if isinstance(callback, str) else None)
    return None
