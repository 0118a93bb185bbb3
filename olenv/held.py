"""The last SAML assertion, in this process's memory only: `login -x` takes another role
with it even when no agent runs. It stands in front of the agent's cache (when there is
one), so an assertion the agent holds still serves and a new one still reaches it."""

from datetime import datetime, timezone

from olenv.agent.keys import assertion_key


class HeldAssertion:
    def __init__(self):
        self.agent = None
        self.reuse = True  # False: a renewal signs in again rather than reuse what is held
        self._key = None
        self._assertion = None

    def in_front_of(self, agent) -> "HeldAssertion":
        self.agent = agent
        return self

    # flow.obtain's assertion cache
    def assertion(self, settings) -> str | None:
        if not self.reuse:
            return None
        if (self._assertion is not None and self._key == assertion_key(settings)
                and self._assertion.valid_at(datetime.now(timezone.utc))):
            return self._assertion.b64
        return self.agent.assertion(settings) if self.agent else None

    def keep_assertion(self, settings, assertion) -> None:
        self._key, self._assertion = assertion_key(settings), assertion
        if self.agent:
            self.agent.keep_assertion(settings, assertion)
