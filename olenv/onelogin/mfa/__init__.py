"""MFA factors: each is one way of calling OneLogin's Verify Factor for one kind of device,
and returns the SAML assertion.

A factor has one method, verify(client, app_id, device, state_token, terminal),
which returns the base64 SAMLResponse or raises (StateTokenExpired lets the
sign-in start again; CodeNotTaken says a typed code went unused).

| device kind | what olenv does                                                        |
|-------------|------------------------------------------------------------------------|
| push        | one push, quiet polls; after the timeout, the code the app shows       |
| voice       | one call, quiet polls until it is answered                             |
| sms         | the SMS is sent, its code asked for; a wrong code sends a new SMS     |
| email       | the email is sent, its code asked for                                  |
| otp         | a code typed or given with --otp (authenticator apps, YubiKey, Duo)     |
| unsupported | refused before any call: WebAuthn, security keys, types never recorded |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from olenv.onelogin.replies import StateTokenExpired

if TYPE_CHECKING:
    from olenv.onelogin.client import OneLoginClient
    from olenv.onelogin.replies import Device
    from olenv.terminal import Terminal

PUSH_TIMEOUT = 90.0  # as the reference: the code prompt comes while the state token lives


class Factor(Protocol):
    def verify(self, client: OneLoginClient, app_id: str, device: Device, state_token: str,
               terminal: Terminal) -> str: ...


class CodeNotTaken(StateTokenExpired):
    """A code reached OneLogin after the MFA state token expired: it was not used."""

    def __init__(self, expired: StateTokenExpired):
        super().__init__(expired.status, expired.message, expired.step)


def factor_for(device: Device, *, otp: str | None = None, push_interval: float = 2.0,
               push_timeout: float = PUSH_TIMEOUT, code_first: bool = False) -> Factor:
    """The factor for a device; `otp` is a first code to try (--otp); code_first: a push
    device asks for its code at once (the push timed out before a restart)."""
    from olenv.onelogin.mfa.otp import OtpFactor
    from olenv.onelogin.mfa.push import PushFactor, VoiceFactor
    from olenv.onelogin.mfa.triggered import EmailFactor, SmsFactor

    if device.kind == "push":
        if code_first and not otp:
            return OtpFactor()
        return PushFactor(otp=otp, interval=push_interval, timeout=push_timeout)
    if device.kind == "voice":
        return VoiceFactor(interval=push_interval, timeout=push_timeout)
    if device.kind == "sms":
        return SmsFactor()
    if device.kind == "email":
        return EmailFactor()
    if device.kind == "otp":
        return OtpFactor(otp=otp)
    raise AssertionError(f"no factor for {device.label}: choose_device refuses it")
