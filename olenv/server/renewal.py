"""Credentials kept fresh ahead of time, in one background thread.

A renewal starts `lead()` seconds before the credentials expire and is retried
with a growing pause that never sleeps past their end. Until a renewal lands,
the current credentials stay in service: a request is answered from them at
once, never made to wait for OneLogin. What goes wrong is told in one line,
once per renewal, not once per request.

A renewal that needs a person (a password, an OTP) when there is no terminal
cannot succeed by retrying: it is told once and not tried again.
"""

import sys
import threading
from datetime import datetime, timezone

from olenv import background
from olenv.credentials import Credentials
from olenv.errors import OlenvError, UsageError

MAX_PAUSE = 30.0  # seconds between two attempts, at most


def lead(lifetime: float, min_ttl: float) -> float:
    """Seconds before the end at which a renewal starts: --min-ttl, or half the
    lifetime of keys that live shorter than twice that (else it would never stop)."""
    return max(0.0, min(float(min_ttl), lifetime / 2))


def pause(failures: int, left: float) -> float:
    """The wait after the n-th failed attempt: 1, 2, 4... s, at most MAX_PAUSE, and at
    most a third of the time the credentials have left, so attempts go on until the end."""
    return max(1.0, min(2.0 ** (failures - 1), MAX_PAUSE, left / 3))


def _utc(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%H:%M:%S UTC")


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Renewal:
    """The credentials in service, and the thread that renews them."""

    def __init__(self, credentials: Credentials, renew, min_ttl: int, say=None):
        self._renew = renew
        self._min_ttl = min_ttl
        self._say = say or (lambda line: sys.stderr.write(line + "\n"))
        self._wake = threading.Condition()
        self._stopped = False
        self._problem: str | None = None  # why the last attempt failed
        self._install(credentials)

    def _install(self, credentials: Credentials) -> None:
        now = _now()
        lifetime = (credentials.expiration - now).total_seconds()
        self._credentials = credentials
        self._due = credentials.expiration.timestamp() - lead(lifetime, self._min_ttl)

    # --- what the server asks -------------------------------------------------

    def current(self) -> Credentials | None:
        """The credentials in service while they are valid; None once they expired."""
        credentials = self._credentials  # one reference, replaced whole by the thread
        return credentials if credentials.expiration > _now() else None

    def problem(self) -> str:
        return self._problem or "no renewal has succeeded yet"

    # --- life cycle -----------------------------------------------------------

    def start(self) -> "Renewal":
        background.start(self._run)
        return self

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify_all()

    def _sleep_until(self, when: float) -> bool:
        """False once stopped."""
        with self._wake:
            while not self._stopped:
                left = when - _now().timestamp()
                if left <= 0:
                    return True
                self._wake.wait(left)
            return False

    def _run(self) -> None:
        while self._sleep_until(self._due):
            self._renew_once()

    def _renew_once(self) -> None:
        """Attempts until one lands, or a person is needed and none can answer."""
        failures = 0
        told_failing = told_expired = False
        while not self._stopped:
            old = self._credentials
            try:
                new = self._renew()
                if new.expiration <= old.expiration:
                    raise OlenvError(f"the renewal brought credentials that end at "
                                     f"{_utc(new.expiration)}, no later than the current ones")
            except UsageError as exc:  # a person is needed, or a setting is wrong
                self._problem = str(exc)
                self._say(f"olenv: cannot renew the credentials: {exc}; the command keeps "
                          f"the current ones until {_utc(old.expiration)}")
                self._stopped = True
                return
            except Exception as exc:  # noqa: BLE001 - one line, never a traceback
                self._problem = str(exc) if isinstance(exc, OlenvError) else \
                    f"unexpected {exc.__class__.__name__}"
                failures += 1
                left = (old.expiration - _now()).total_seconds()
                if left > 0 and not told_failing:
                    told_failing = True
                    self._say(f"olenv: cannot renew the credentials yet ({self._problem}); "
                              f"retrying, the current ones last until {_utc(old.expiration)}")
                elif left <= 0 and not told_expired:
                    told_expired = True
                    self._say(f"olenv: the credentials expired at {_utc(old.expiration)} "
                              f"and could not be renewed ({self._problem}); still trying")
                wait = pause(failures, left if left > 0 else float("inf"))
                if not self._sleep_until(_now().timestamp() + wait):
                    return
                continue
            self._problem = None
            self._install(new)
            return
