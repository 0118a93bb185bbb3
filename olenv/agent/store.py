"""What the agent holds, and for how long: sessions, the keys that find them, SAML assertions.

A session is dropped DROP_MARGIN seconds before its credentials expire and an
assertion when it stops being valid, so nothing the agent serves is dead.
Pure bookkeeping on a clock: the server and the tests drive it.
"""

import time
from datetime import datetime, timezone

from olenv.credentials import Credentials

DROP_MARGIN = 60


def record(credentials: Credentials) -> dict:
    """Credentials as the protocol carries them (expiration in epoch seconds)."""
    return {"access_key_id": credentials.access_key_id,
            "secret_access_key": credentials.secret_access_key,
            "session_token": credentials.session_token,
            "expiration": credentials.expiration.timestamp(), "region": credentials.region,
            "account_id": credentials.account_id, "role_name": credentials.role_name,
            "profile": credentials.profile}


def credentials(entry: dict) -> Credentials:
    fields = dict(entry)
    fields.pop("picked", None)  # the session's role came from the menu: cli's notice
    fields["expiration"] = datetime.fromtimestamp(float(fields["expiration"]), timezone.utc)
    return Credentials(**fields)


class Store:
    def __init__(self, clock=time.time):
        self.clock = clock
        self.sessions: dict[str, dict] = {}  # session key → record
        self.aliases: dict[str, str] = {}  # fast-path key → session key
        self.assertions: dict[str, tuple[str, float]] = {}  # user key → (base64, valid until)
        # OneLogin API tokens: API host and client key → (token, usable until). They keep
        # no agent alive: only sessions and assertions do.
        self.tokens: dict[str, tuple[str, float]] = {}

    def put(self, key: str, entry: dict, fast: str | None = None) -> None:
        credentials(entry)  # refuse a record that could not be served back
        self.sessions[key] = dict(entry)
        if fast:
            self.aliases[fast] = key

    def get(self, key: str, min_ttl: float, fast: str | None = None) -> dict | None:
        """The session if it has more than min_ttl seconds left; remembers `fast` for it."""
        self.purge()
        entry = self.sessions.get(key)
        if entry is None or entry["expiration"] - self.clock() <= min_ttl:
            return None
        if fast:
            self.aliases[fast] = key
        return entry

    def resolve(self, fast: str, min_ttl: float) -> dict | None:
        key = self.aliases.get(fast)
        return None if key is None else self.get(key, min_ttl)

    def put_assertion(self, key: str, b64: str, until: float) -> None:
        if until > self.clock():
            self.assertions[key] = (b64, until)

    def get_assertion(self, key: str) -> str | None:
        self.purge()
        held = self.assertions.get(key)
        return held[0] if held else None

    def put_token(self, key: str, token: str, until: float) -> None:
        if until > self.clock():
            self.tokens[key] = (token, until)

    def get_token(self, key: str) -> tuple[str, float] | None:
        self.purge()
        return self.tokens.get(key)

    def drop_token(self, key: str) -> None:
        self.tokens.pop(key, None)

    def purge(self) -> None:
        now = self.clock()
        for key in [k for k, (_, until) in self.tokens.items() if until <= now]:
            del self.tokens[key]
        for key in [k for k, e in self.sessions.items() if e["expiration"] - now <= DROP_MARGIN]:
            del self.sessions[key]
        for fast in [f for f, k in self.aliases.items() if k not in self.sessions]:
            del self.aliases[fast]
        for key in [k for k, (_, until) in self.assertions.items() if until <= now]:
            del self.assertions[key]

    def forget(self, profile: str | None = None) -> list[dict]:
        """Drop the sessions of `profile` (None: every session) and every SAML assertion,
        since any of them would sign that profile in again without a password.
        Returns what was dropped, as listing() shows it."""
        dropped = [entry for entry in self.listing() if profile in (None, entry["profile"])]
        for key in [k for k, e in self.sessions.items() if profile in (None, e["profile"])]:
            del self.sessions[key]
        self.assertions.clear()
        self.purge()  # the fast-path keys of those sessions go with them
        return dropped

    def empty(self) -> bool:
        self.purge()
        return not self.sessions and not self.assertions

    def next_change(self) -> float | None:
        """When the next session or assertion will be dropped (epoch seconds)."""
        times = [e["expiration"] - DROP_MARGIN for e in self.sessions.values()]
        times += [until for _, until in self.assertions.values()]
        return min(times, default=None)

    def listing(self) -> list[dict]:
        """What `olenv agent status` shows: never a secret."""
        self.purge()
        now = self.clock()
        return [{"profile": e["profile"], "account": e["account_id"], "role": e["role_name"],
                 "region": e["region"], "seconds_left": int(e["expiration"] - now)}
                for e in sorted(self.sessions.values(), key=lambda e: e["expiration"])]
