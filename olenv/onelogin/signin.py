"""The OneLogin sign-in: password, then MFA, ending with the base64 SAMLResponse."""

from __future__ import annotations

from dataclasses import dataclass, field

from olenv.errors import SignInError, UsageError
from olenv.onelogin.client import OneLoginClient
from olenv.onelogin.mfa import PUSH_TIMEOUT, CodeNotTaken, factor_for
from olenv.onelogin.replies import (
    Device,
    InvalidCredentials,
    MfaRequired,
    Pending,
    StateTokenExpired,
    Success,
)
from olenv.terminal import Terminal

_KIND_NAMES = {"push": "push", "protect": "push", "sms": "sms", "otp": "otp", "totp": "otp",
               "code": "otp", "email": "email", "voice": "voice", "call": "voice"}


@dataclass
class SignInRequest:
    username: str
    password: str | None = field(repr=False)  # None: asked on the terminal
    app_id: str
    subdomain: str
    ip: str | None = None
    otp: str | None = field(default=None, repr=False)  # first OTP to try (--otp)
    mfa_device: str | None = None  # a device id, or part of a type name ("protect", "sms")
    push_interval: float = 2.0
    push_timeout: float = PUSH_TIMEOUT


def sign_in(client: OneLoginClient, request: SignInRequest, terminal: Terminal) -> str:
    """The base64 SAMLResponse, unchanged.

    Once OneLogin accepts a password typed at the prompt, it is kept in
    request.password, so a second sign-in in the same run (an assertion that
    expired before STS took it) does not ask again.
    """
    password = request.password
    typed = password is None
    retried = False
    if typed:
        password = _ask_password(terminal, request.username)
    otp = request.otp
    device: Device | None = None
    restarted = code_first = False
    client.new_phase()
    while True:
        try:
            reply = client.saml_assertion(request.username, password, request.app_id,
                                          request.subdomain, request.ip)
        except InvalidCredentials as error:
            # A password from an option or the environment is never resent, and
            # a typed one gets a single second chance: each failure counts
            # towards a lockout.
            if not typed or retried or not terminal.interactive:
                raise
            terminal.say(str(error))
            password = _ask_password(terminal, request.username)
            retried = True
            continue
        if typed:
            request.password = password
        if isinstance(reply, Success):
            return reply.saml
        if isinstance(reply, Pending):
            raise SignInError(f"OneLogin did not finish the sign-in: {reply.message}")
        device = _same_device(reply, device) or choose_device(reply.devices, request.mfa_device,
                                                              terminal)
        request.mfa_device = device.id  # a renewal in this run (login --loop) asks no menu
        factor = factor_for(device, otp=otp, push_interval=request.push_interval,
                            push_timeout=request.push_timeout, code_first=code_first)
        otp = None  # a one-time code is not worth a second try after a restart
        try:
            return factor.verify(client, request.app_id, device, reply.state_token, terminal)
        except StateTokenExpired as error:
            if restarted:
                raise SignInError("the MFA state token expired twice: giving up; "
                                  "try again and answer the MFA sooner") from None
            restarted = True
            if isinstance(error, CodeNotTaken):
                # Never silently: the person typed it. A push device asks for a code
                # again rather than pushing, since the person is at the keyboard.
                terminal.say(f"OneLogin did not take that code: {error.message}. "
                             "Signing in again.")
                code_first = True
            else:
                terminal.say("The MFA state token expired: signing in again.")


def choose_device(devices: list[Device], wanted: str | None, terminal: Terminal) -> Device:
    """The device --mfa-device names (an id, a type substring, or push/sms/otp/...), or the
    only one olenv can drive, or the one picked from a menu of those."""
    if not devices:
        raise SignInError("OneLogin asks for MFA but lists no device for this user: "
                          "enrol one in OneLogin first")
    listing = ", ".join(d.label for d in devices)
    if wanted:
        key = wanted.strip().lower()
        matches = [d for d in devices if d.id == wanted.strip()] or [
            d for d in devices if key in d.type.lower() or _KIND_NAMES.get(key) == d.kind]
        if not matches:
            raise UsageError(f"no MFA device matches --mfa-device {wanted}; "
                             f"this user has: {listing}")
        usable = [d for d in matches if d.kind != "unsupported"]
        if not usable:
            raise _cannot_drive(matches[0], devices)
        devices = usable
    else:
        usable = [d for d in devices if d.kind != "unsupported"]
        if not usable:
            raise _cannot_drive(devices[0], devices)
        devices = usable
    if len(devices) == 1:
        return devices[0]
    if not terminal.interactive:
        raise UsageError("choose an MFA device with --mfa-device (no terminal to ask): "
                         + ", ".join(d.label for d in devices))
    index = terminal.choose("OneLogin asks for MFA. Devices:", [d.label for d in devices],
                            "an MFA device")
    return devices[index]


def _cannot_drive(device: Device, devices: list[Device]) -> SignInError:
    others = [d.label for d in devices if d is not device and d.kind != "unsupported"]
    hint = (f"choose another with --mfa-device: {', '.join(others)}" if others
            else "this user has no other MFA device olenv can use")
    return SignInError(f"the MFA device {device.label} cannot be used from a terminal; {hint}")


def _same_device(reply: MfaRequired, device: Device | None) -> Device | None:
    """After a restart, the device chosen before, if OneLogin still lists it."""
    if device is None:
        return None
    return next((d for d in reply.devices if d.id == device.id), None)


def _ask_password(terminal: Terminal, username: str) -> str:
    password = terminal.ask_secret(f"OneLogin password for {username}: ",
                                   "the OneLogin password (or set OLENV_PASSWORD)")
    if not password:
        raise UsageError("no OneLogin password given")
    return password
