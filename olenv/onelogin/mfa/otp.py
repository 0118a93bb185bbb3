"""A typed code: authenticator apps, YubiKey, Duo's passcode, and the code of an SMS, an
email or of OneLogin Protect."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from olenv.errors import SignInError
from olenv.onelogin.mfa import CodeNotTaken
from olenv.onelogin.replies import FactorRejected, StateTokenExpired, Success

if TYPE_CHECKING:
    from olenv.onelogin.client import OneLoginClient
    from olenv.onelogin.replies import Device
    from olenv.terminal import Terminal

ATTEMPTS = 3

# Called after a wrong code, before asking again; returns the line to show.
OnWrong = Callable[["OneLoginClient", str, "Device", str], str]


class OtpFactor:
    def __init__(self, otp: str | None = None, attempts: int = ATTEMPTS,
                 on_wrong: OnWrong | None = None):
        self._first = otp
        self.attempts = attempts
        self._on_wrong = on_wrong

    def verify(self, client: OneLoginClient, app_id: str, device: Device, state_token: str,
               terminal: Terminal) -> str:
        # --otp is tried once; a wrong code is asked again, never resent.
        code, self._first = self._first, None
        attempt = 0
        while True:
            attempt += 1
            if code is None:
                code = terminal.ask_secret(f"OTP code for {device.name}: ",
                                           f"the --otp code of {device.label}")
            try:
                reply = client.verify_factor(app_id, device.id, state_token, otp=code)
            except StateTokenExpired as error:
                raise CodeNotTaken(error) from None
            except FactorRejected:
                if attempt == self.attempts:
                    raise SignInError(f"{self.attempts} wrong OTP codes: giving up") from None
                if not terminal.interactive:
                    raise  # no one to ask for another code
                terminal.say(self._on_wrong(client, app_id, device, state_token)
                             if self._on_wrong else "OneLogin did not accept that code; try again.")
                code = None
                continue
            if isinstance(reply, Success):
                return reply.saml
            raise SignInError(f"OneLogin did not finish the MFA verification: {_said(reply)}")


def _said(reply) -> str:
    return getattr(reply, "message", None) or "it asked for MFA again"
