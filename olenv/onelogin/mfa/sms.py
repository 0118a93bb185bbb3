"""OneLogin SMS: a Verify Factor call without a code sends the SMS, then the code is typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from olenv.onelogin.mfa.otp import OtpFactor
from olenv.onelogin.replies import Success

if TYPE_CHECKING:
    from olenv.onelogin.client import OneLoginClient
    from olenv.onelogin.replies import Device
    from olenv.terminal import Terminal


class SmsFactor:
    def verify(self, client: OneLoginClient, app_id: str, device: Device, state_token: str,
               terminal: Terminal) -> str:
        # do_not_notify as the reference client sends it; it only concerns pushes.
        reply = client.verify_factor(app_id, device.id, state_token, do_not_notify=True)
        if isinstance(reply, Success):
            return reply.saml
        terminal.say(f"SMS sent to {device.label}")
        # A code given before the SMS was sent cannot be its code: always ask.
        return OtpFactor().verify(client, app_id, device, state_token, terminal)
