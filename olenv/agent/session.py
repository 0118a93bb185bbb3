"""The full path's use of the agent: ask it, else sign in (reusing an assertion it holds),
then leave the result with it, starting it if none is running.

The agent is a cache: when it is off, missing, dead or refused, the command
works exactly as without it.
"""

import os
import sys
from datetime import datetime, timezone

from olenv.agent import client, keys, signinlock, socketdir
from olenv.agent.store import credentials as from_record
from olenv.agent.store import record
from olenv.credentials import Credentials
from olenv.errors import ConfigError, OlenvError


class AgentSession:
    """The agent as one olenv run sees it; an unsafe directory turns it off with a warning."""

    def __init__(self, env=os.environ):
        self.env = env
        self.usable = True
        self._later: list[dict] = []  # for an agent started once the sign-in succeeded

    def _call(self, message: dict) -> dict | None:
        if not self.usable:
            return None
        try:
            reply = client.call(message, self.env)
        except ConfigError as exc:
            self._give_up(exc)
            return None
        return reply if reply and reply.get("ok") else None

    def _give_up(self, exc: Exception) -> None:
        self.usable = False
        sys.stderr.write(f"olenv: warning: not using the agent: {exc}\n")

    def directory(self) -> str | None:
        """The agent's checked directory, made if missing (for the sign-in lock); None
        when the agent is off or the directory is unsafe."""
        if not self.usable:
            return None
        try:
            return os.path.dirname(socketdir.ensure(self.env))
        except ConfigError as exc:
            self._give_up(exc)
            return None

    def lookup(self, key: str, fast: str | None, min_ttl: float) -> tuple[Credentials | None, bool]:
        """The session held under key, and whether its role was picked from the menu."""
        reply = self._call({"op": "get", "key": key, "fast": fast, "min_ttl": min_ttl})
        held = reply and reply.get("credentials")
        return (from_record(held), bool(held.get("picked"))) if held else (None, False)

    def keep(self, key: str, fast: str | None, credentials: Credentials,
             picked: bool = False) -> None:
        entry = {**record(credentials), **({"picked": True} if picked else {})}
        self._deliver({"op": "put", "key": key, "fast": fast, "credentials": entry})

    def _deliver(self, message: dict) -> None:
        """Send, starting the agent first if none answers."""
        if self._call(message) is None and self.usable:
            try:
                client.start(self.env)
            except OlenvError as exc:
                self._give_up(exc)
                return
            self._call(message)
        while self._later:
            self._call(self._later.pop(0))

    # flow.obtain's assertion cache
    def assertion(self, settings) -> str | None:
        reply = self._call({"op": "get_assertion", "key": keys.assertion_key(settings)})
        return reply and reply.get("b64")

    def keep_assertion(self, settings, assertion) -> None:
        # Only one that names its end: the agent must know when to drop it.
        if assertion.ends and assertion.ends > datetime.now(timezone.utc):
            self._deliver({"op": "put_assertion", "key": keys.assertion_key(settings),
                           "b64": assertion.b64, "until": assertion.ends.timestamp()})


    # the OneLogin client's API tokens (olenv.onelogin.client)
    def api_token(self, key: str) -> tuple[str, float] | None:
        reply = self._call({"op": "get_token", "key": key})
        token, until = (reply.get("token"), reply.get("until")) if reply else (None, None)
        if isinstance(token, str) and token and isinstance(until, int | float):
            return token, float(until)
        return None

    def keep_api_token(self, key: str, token: str, until: float) -> None:
        # Starts no agent: a sign-in that then fails must leave none. Without one the
        # token goes with what the successful sign-in leaves it.
        message = {"op": "put_token", "key": key, "token": token, "until": until}
        if self._call(message) is None:
            self._later.append(message)

    def drop_api_token(self, key: str) -> None:
        self._call({"op": "drop_token", "key": key})


def obtain(settings, terminal, args, min_ttl: float, fresh: bool = False,
           memory=None) -> Credentials:
    """Credentials with more than min_ttl seconds left, from the agent or a sign-in.

    fresh: sign in (or reuse a held assertion) even if the agent holds a session.
    memory: an olenv.held.HeldAssertion, to keep the assertion in this process too.
    Callers that miss at once sign in one at a time (olenv.agent.signinlock): those
    that waited ask the agent again, and find what the first one left there.
    """
    from olenv import flow

    agent = AgentSession() if client.wanted(bool(args.get("--no-agent"))) else None
    key, fast = keys.session_key(settings), keys.fast_key(keys.selecting(args))

    def held_session() -> Credentials | None:
        held, picked = agent.lookup(key, fast, min_ttl)
        if held and picked and not args.get("--quiet"):
            from olenv.cli.selection import remembered

            terminal.say(remembered(held.profile, held.account_id, held.role_name))
        return held

    if agent and not fresh:
        held = held_session()
        if held:
            return held

    watch = MenuWatch(terminal)

    def sign_in() -> Credentials:
        credentials = flow.obtain(settings, watch,
                                  assertions=agent if memory is None else memory.in_front_of(agent),
                                  tokens=agent)
        if agent:
            agent.keep(key, fast, credentials, watch.picked)
        return credentials

    directory = agent.directory() if agent else None
    if directory is None:
        return sign_in()
    # Waiting covers a push left unanswered until it times out, and the network after it.
    with signinlock.turn(directory, keys.assertion_key(settings), settings.push_timeout + 60,
                         settings.username or "this user") as waited:
        # Asked again even by a caller that did not wait: the one it missed may have
        # finished just before it took the lock.
        return (held_session() if waited or not fresh else None) or sign_in()


class MenuWatch:
    """The terminal, noting whether the role came from its menu, which the agent then
    remembers (the next call without a profile or role gets the same role)."""

    def __init__(self, terminal):
        self._terminal = terminal
        self.picked = False

    def __getattr__(self, name):
        return getattr(self._terminal, name)

    def ask(self, prompt: str, what: str) -> str:
        answer = self._terminal.ask(prompt, what)
        self.picked = self.picked or what == "an AWS role"  # the role menu's question
        return answer
