"""Codes OneLogin sends: SMS and email. A Verify Factor call without a code sends it
(answered 200 Pending, as documented for SMS), then the code is typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from olenv.errors import UsageError
from olenv.onelogin.mfa.otp import OtpFactor
from olenv.onelogin.replies import Success

if TYPE_CHECKING:
    from olenv.onelogin.client import OneLoginClient
    from olenv.onelogin.replies import Device
    from olenv.terminal import Terminal


class _Triggered:
    what = "code"
    resend_on_wrong = False

    def verify(self, client: OneLoginClient, app_id: str, device: Device, state_token: str,
               terminal: Terminal) -> str:
        if not terminal.interactive:
            # Nothing is sent that nobody can type.
            raise UsageError(f"the code OneLogin would send by {self.what} to {device.label} "
                             "is needed and there is no terminal to type it")
        reply = self._send(client, app_id, device, state_token)
        if isinstance(reply, Success):
            return reply.saml
        terminal.say(f"{self.what} with a code sent to {device.label}")
        on_wrong = self._resend if self.resend_on_wrong else None
        # A code given before this one was sent cannot be its code: always ask.
        return OtpFactor(on_wrong=on_wrong).verify(client, app_id, device, state_token, terminal)

    @staticmethod
    def _send(client: OneLoginClient, app_id: str, device: Device, state_token: str):
        # No code: this sends it. do_not_notify stays true (the default), as the reference
        # sends it; it only concerns pushes.
        return client.verify_factor(app_id, device.id, state_token)

    def _resend(self, client: OneLoginClient, app_id: str, device: Device,
                state_token: str) -> str:
        self._send(client, app_id, device, state_token)
        return f"OneLogin did not accept that code; a new {self.what} was sent to {device.label}."


class SmsFactor(_Triggered):
    what = "SMS"
    resend_on_wrong = True  # as the reference: a wrong code may be an old SMS's


class EmailFactor(_Triggered):
    # Assumed to behave as SMS does (OneLogin documents the trigger for "factors that
    # need an OTP requested first"); an emailed code is not resent after a wrong one.
    what = "Email"
