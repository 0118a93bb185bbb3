"""Real SAML Responses shaped like OneLogin's "AWS Multi Account" app sends them.

The layout keeps moto's STS able to read a single-role response: the root is a
samlp:Response, there is one Assertion and one AttributeStatement, and
RoleSessionName is always present so there are at least two Attribute elements.
"""

import base64
import uuid
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

_URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
_AWS = "https://aws.amazon.com/SAML/Attributes/"
_ISSUER = "https://app.onelogin.com/saml/metadata/123456"
_SIGNIN = "https://signin.aws.amazon.com/saml"


def role_value(account: str, role: str, provider: str = "OneLogin", partition: str = "aws",
               reversed: bool = False) -> str:
    """One Role AttributeValue: "<role ARN>,<provider ARN>" (or provider first)."""
    role_arn = f"arn:{partition}:iam::{account}:role/{role}"
    provider_arn = f"arn:{partition}:iam::{account}:saml-provider/{provider}"
    return f"{provider_arn},{role_arn}" if reversed else f"{role_arn},{provider_arn}"


def _time(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _attribute(name: str, values: list[str]) -> str:
    inner = "".join(f"<saml:AttributeValue>{escape(v)}</saml:AttributeValue>" for v in values)
    return f'<saml:Attribute Name="{_AWS}{name}" NameFormat="{_URI}">{inner}</saml:Attribute>'


def saml_response(roles: list[str], session_name: str = "alice@example.com",
                  duration: int | None = 3600, now: datetime | None = None, ttl: int = 180,
                  extra_attributes: str = "",
                  session_not_on_or_after: datetime | None = None) -> str:
    """The base64 text of a SAML Response whose Role attribute holds `roles` verbatim.

    With no roles the Role attribute is left out. `extra_attributes` is raw XML
    placed in the AttributeStatement.
    """
    now = now or datetime.now(timezone.utc)
    session_end = session_not_on_or_after or now + timedelta(hours=12)
    issued, start, end = _time(now), _time(now - timedelta(seconds=ttl)), _time(
        now + timedelta(seconds=ttl))
    attributes = _attribute("Role", roles) if roles else ""
    attributes += _attribute("RoleSessionName", [session_name])
    if duration is not None:
        attributes += _attribute("SessionDuration", [str(duration)])
    attributes += extra_attributes
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="R{uuid.uuid4().hex}{uuid.uuid4().hex[:8]}" Version="2.0" IssueInstant="{issued}" Destination="{_SIGNIN}">
  <saml:Issuer>{_ISSUER}</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
  <saml:Assertion ID="pfx{uuid.uuid4()}" Version="2.0" IssueInstant="{issued}">
    <saml:Issuer>{_ISSUER}</saml:Issuer>
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{escape(session_name)}</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml:SubjectConfirmationData NotOnOrAfter="{end}" Recipient="{_SIGNIN}"/>
      </saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="{start}" NotOnOrAfter="{end}">
      <saml:AudienceRestriction><saml:Audience>urn:amazon:webservices</saml:Audience></saml:AudienceRestriction>
    </saml:Conditions>
    <saml:AuthnStatement AuthnInstant="{issued}" SessionNotOnOrAfter="{_time(session_end)}" SessionIndex="_{uuid.uuid4().hex}">
      <saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>
    </saml:AuthnStatement>
    <saml:AttributeStatement>{attributes}</saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>
"""
    return base64.b64encode(xml.encode("utf-8")).decode("ascii")
