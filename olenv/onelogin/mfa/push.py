"""Approvals on another device: OneLogin Protect's push, and OneLogin Voice's call.

One call triggers (do_not_notify false), then quiet polls (do_not_notify true, no
code) ask whether it was approved, `interval` seconds apart, for at most `timeout`
seconds. Only the polls may be resent after a failure: a second trigger is a second
push on the phone.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from olenv.errors import SignInError
from olenv.onelogin.mfa import PUSH_TIMEOUT
from olenv.onelogin.mfa.otp import OtpFactor
from olenv.onelogin.replies import FactorRejected, Pending, Success

if TYPE_CHECKING:
    from olenv.onelogin.client import OneLoginClient
    from olenv.onelogin.replies import Device
    from olenv.terminal import Terminal


def approved(client: OneLoginClient, app_id: str, device: Device, state_token: str,
             terminal: Terminal, *, interval: float, timeout: float, sent: str,
             waiting: str) -> str | None:
    """The SAML assertion once approved; None when `timeout` passed first."""
    deadline = time.monotonic() + timeout
    reply = client.verify_factor(app_id, device.id, state_token, do_not_notify=False)
    if isinstance(reply, Success):
        return reply.saml
    terminal.say(sent)
    with terminal.spinner(waiting):
        while time.monotonic() + interval <= deadline:
            time.sleep(interval)
            reply = client.verify_factor(app_id, device.id, state_token, poll=True)
            if isinstance(reply, Success):
                return reply.saml
            if not isinstance(reply, Pending):
                raise SignInError(f"OneLogin answered the {device.name} approval "
                                  "with MFA required again")
    return None


class PushFactor:
    def __init__(self, otp: str | None = None, interval: float = 2.0,
                 timeout: float = PUSH_TIMEOUT):
        self._otp = otp
        self.interval = interval
        self.timeout = timeout

    def verify(self, client: OneLoginClient, app_id: str, device: Device, state_token: str,
               terminal: Terminal) -> str:
        if self._otp:
            # The Protect app shows a code too: with --otp there is no push at all.
            otp, self._otp = self._otp, None
            return OtpFactor(otp).verify(client, app_id, device, state_token, terminal)
        try:
            saml = approved(client, app_id, device, state_token, terminal,
                            interval=self.interval, timeout=self.timeout,
                            sent="Push sent to OneLogin Protect: approve it on your phone",
                            waiting="Waiting for the approval")
        except FactorRejected:
            raise SignInError("the push was denied") from None
        if saml is not None:
            return saml
        if not terminal.interactive:
            raise SignInError(f"the push was not approved within {self.timeout:g} s")
        # Asked now, while the state token is still valid (the reference polls ~90 s).
        terminal.say(f"The push was not approved within {self.timeout:g} s: "
                     "type the code that OneLogin Protect shows instead.")
        return OtpFactor().verify(client, app_id, device, state_token, terminal)


class VoiceFactor:
    """OneLogin Voice: assumed to work as Protect does (OneLogin polls it likewise): the
    first call rings the phone, the user answers and presses a key, polls see it."""

    def __init__(self, interval: float = 2.0, timeout: float = PUSH_TIMEOUT):
        self.interval = interval
        self.timeout = timeout

    def verify(self, client: OneLoginClient, app_id: str, device: Device, state_token: str,
               terminal: Terminal) -> str:
        try:
            saml = approved(client, app_id, device, state_token, terminal,
                            interval=self.interval, timeout=self.timeout,
                            sent=f"Calling {device.label}: answer it and do as it says",
                            waiting="Waiting for the call to be answered")
        except FactorRejected:
            raise SignInError("the call was declined") from None
        if saml is None:
            raise SignInError(f"the call to {device.label} was not answered within "
                              f"{self.timeout:g} s")
        return saml
