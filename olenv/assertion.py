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
    assertion = saml.parse(_sign_in(settings, terminal))
    if agent:
        agent.keep_assertion(settings, assertion)
    return assertion


def _sign_in(settings: Settings, terminal: Terminal) -> str:
    from olenv.flow import ask_missing
    from olenv.onelogin.client import OneLoginClient
    from olenv.onelogin.signin import SignInRequest, sign_in

    ask_missing(settings, terminal)
    client = OneLoginClient(settings.base_url, settings.client_id, settings.client_secret,
                            api_version=settings.saml_api_version)
    request = SignInRequest(
        username=settings.username, password=settings.password, app_id=str(settings.app_id),
        subdomain=settings.subdomain, ip=settings.ip, otp=settings.otp,
        mfa_device=settings.mfa_device, push_interval=settings.push_interval,
        push_timeout=settings.push_timeout)
    return sign_in(client, request, terminal)
