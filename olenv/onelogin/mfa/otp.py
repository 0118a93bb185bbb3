"""A typed code: authenticator apps, YubiKey, and the code of an SMS or of OneLogin Protect."""

from __future__ import annotations

from typing import TYPE_CHECKING

from olenv.errors import SignInError
from olenv.onelogin.replies import FactorRejected, Success

if TYPE_CHECKING:
    from olenv.onelogin.client import OneLoginClient
    from olenv.onelogin.replies import Device
    from olenv.terminal import Terminal

ATTEMPTS = 3


class OtpFactor:
    def __init__(self, otp: str | None = None, attempts: int = ATTEMPTS):
        self._first = otp
        self.attempts = attempts

    def verify(self, client: OneLoginClient, app_id: str, device: Device, state_token: str,
               terminal: Terminal) -> str:
        # --otp is tried once; a wrong code is asked again, never resent.
        code, self._first = self._first, None
        for attempt in range(1, self.attempts + 1):
            if code is None:
                code = terminal.ask_secret(f"OTP code for {device.type}: ", "the OTP code (--otp)")
            try:
                reply = client.verify_factor(app_id, device.id, state_token, otp=code,
                                             do_not_notify=True)
            except FactorRejected:
                if attempt == self.attempts:
                    raise SignInError(f"{self.attempts} wrong OTP codes: giving up") from None
                if not terminal.interactive:
                    raise  # no one to ask for another code
                terminal.say("OneLogin did not accept that code; try again.")
                code = None
                continue
            if isinstance(reply, Success):
                return reply.saml
            raise SignInError(f"OneLogin did not finish the MFA verification: {_said(reply)}")
        raise AssertionError("unreachable")


def _said(reply) -> str:
    return getattr(reply, "message", None) or "it asked for MFA again"
