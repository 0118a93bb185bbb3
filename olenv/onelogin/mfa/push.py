"""OneLogin Protect: one push, then quiet polls until it is approved, denied or too late."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from olenv.errors import SignInError
from olenv.onelogin.mfa.otp import OtpFactor
from olenv.onelogin.replies import FactorRejected, Pending, Success

if TYPE_CHECKING:
    from olenv.onelogin.client import OneLoginClient
    from olenv.onelogin.replies import Device
    from olenv.terminal import Terminal


class PushFactor:
    def __init__(self, otp: str | None = None, interval: float = 2.0, timeout: float = 120.0):
        self._otp = otp
        self.interval = interval
        self.timeout = timeout

    def verify(self, client: OneLoginClient, app_id: str, device: Device, state_token: str,
               terminal: Terminal) -> str:
        if self._otp:
            # The Protect app shows a code too: with --otp there is no push at all.
            otp, self._otp = self._otp, None
            return OtpFactor(otp).verify(client, app_id, device, state_token, terminal)
        deadline = time.monotonic() + self.timeout
        try:
            # Only this first call notifies; polls set do_not_notify or the phone rings again.
            reply = client.verify_factor(app_id, device.id, state_token, do_not_notify=False)
            if isinstance(reply, Success):
                return reply.saml
            terminal.say("Push sent to OneLogin Protect: approve it on your phone")
            with terminal.spinner("Waiting for the approval"):
                while time.monotonic() + self.interval <= deadline:
                    time.sleep(self.interval)
                    reply = client.verify_factor(app_id, device.id, state_token,
                                                 do_not_notify=True)
                    if isinstance(reply, Success):
                        return reply.saml
                    if not isinstance(reply, Pending):
                        raise SignInError("OneLogin answered the push with MFA required again")
        except FactorRejected:
            raise SignInError("the push was denied") from None
        if not terminal.interactive:
            raise SignInError(f"the push was not approved within {self.timeout:g} s")
        terminal.say(f"The push was not approved within {self.timeout:g} s: "
                     "type the code that OneLogin Protect shows instead.")
        return OtpFactor().verify(client, app_id, device, state_token, terminal)

