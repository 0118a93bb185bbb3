"""MFA factors: each verifies one kind of device and returns the SAML assertion.

A factor has one method, verify(client, app_id, device, state_token, terminal),
which returns the base64 SAMLResponse or raises (StateTokenExpired lets the
sign-in start again).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from olenv.onelogin.client import OneLoginClient
    from olenv.onelogin.replies import Device
    from olenv.terminal import Terminal


class Factor(Protocol):
    def verify(self, client: OneLoginClient, app_id: str, device: Device, state_token: str,
               terminal: Terminal) -> str: ...


def factor_for(device: Device, *, otp: str | None = None, push_interval: float = 2.0,
               push_timeout: float = 120.0) -> Factor:
    """The factor for a device; `otp` is a first code to try (--otp)."""
    from olenv.onelogin.mfa.otp import OtpFactor
    from olenv.onelogin.mfa.push import PushFactor
    from olenv.onelogin.mfa.sms import SmsFactor

    if device.kind == "push":
        return PushFactor(otp=otp, interval=push_interval, timeout=push_timeout)
    if device.kind == "sms":
        return SmsFactor()
    return OtpFactor(otp=otp)
