"""Sign in for the SAML assertion alone: for commands that look at the roles
rather than assume one, so STS is never called. An assertion the agent still
holds is reused, and a new one left with it, as a full sign-in does."""

from olenv import saml
from olenv.settings import Settings
from olenv.terminal import Terminal


def signed_in(settings: Settings, terminal: Terminal, use_agent: bool = True) -> saml.Assertion:
    from olenv.agent import client
    from olenv.agent.session import AgentSession

    agent = AgentSession() if use_agent and client.wanted() else None
    held = agent.assertion(settings) if agent else None
    if held:
        return saml.parse(held)
    assertion = saml.parse(_sign_in(settings, terminal, agent))
    if agent:
        agent.keep_assertion(settings, assertion)
    return assertion


def _sign_in(settings: Settings, terminal: Terminal, agent) -> str:
    from olenv.flow import onelogin_request
    from olenv.onelogin.signin import sign_in

    return sign_in(*onelogin_request(settings, terminal, tokens=agent), terminal)
