"""Fuzz the SAML reader with well-formed Responses, so every example reaches role
parsing and the menu: random roles, partitions, IAM paths, attribute orders, namespace
prefixes, whitespace, duplicates and sizes, each checked against what was put in.

The byte-level fuzzers (tests/test_hostile_saml.py) prove that garbage is refused
cleanly; these prove that everything OneLogin may legitimately send is read right.
"""

import base64

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from olenv import roles, saml

_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
_AWS = "https://aws.amazon.com/SAML/Attributes/"

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))

PARTITIONS = saml.PARTITIONS  # every partition botocore knows
_IAM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@-_"
_PROVIDER = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"

accounts = st.text("0123456789", min_size=12, max_size=12)
iam_names = st.text(_IAM.replace(",", ""), min_size=1, max_size=64)
paths = st.lists(st.text(_IAM.replace(",", ""), min_size=1, max_size=12), max_size=3)
blank = st.sampled_from(["", " ", "\n", "\t", "\n      ", "\r\n"])


@st.composite
def role_pairs(draw):
    partition = draw(st.sampled_from(PARTITIONS))
    account = draw(accounts)
    path = "".join(f"{part}/" for part in draw(paths))
    name = draw(iam_names)
    provider = draw(st.text(_PROVIDER, min_size=1, max_size=32))
    role_arn = f"arn:{partition}:iam::{account}:role/{path}{name}"
    provider_arn = f"arn:{partition}:iam::{account}:saml-provider/{provider}"
    return role_arn, provider_arn


@st.composite
def responses(draw):
    """(base64 Response, the (role ARN, provider ARN) pairs in first-seen order, session)."""
    pairs = draw(st.lists(role_pairs(), min_size=1, max_size=40))
    # Duplicates, as a tenant with the role assigned twice sends them.
    pairs += draw(st.lists(st.sampled_from(pairs), max_size=5))
    values = []  # (AttributeValue text, the pair it carries)
    for role_arn, provider_arn in pairs:
        first, second = ((provider_arn, role_arn) if draw(st.booleans())
                         else (role_arn, provider_arn))
        values.append((f"{draw(blank)}{first}{draw(st.sampled_from(['', ' ']))},"
                       f"{draw(st.sampled_from(['', ' ']))}{second}{draw(blank)}",
                       (role_arn, provider_arn)))
    # One Role attribute, or the values spread over several with the same name.
    cut = draw(st.integers(0, len(values)))
    role_groups = [group for group in (values[:cut], values[cut:]) if group] \
        if draw(st.booleans()) else [values]
    session = draw(st.emails())
    p = draw(st.sampled_from(["samlp", "saml2p", "p"]))
    a = draw(st.sampled_from(["saml", "saml2", "a", ""]))  # "": the default namespace
    q = f"{a}:" if a else ""
    a_decl = f'xmlns{":" + a if a else ""}="{_SAML}"'

    def attribute(name: str, items: list[str]) -> str:
        inner = "".join(f"<{q}AttributeValue>{escape(v)}</{q}AttributeValue>" for v in items)
        return f'<{q}Attribute Name="{_AWS}{name}">{inner}</{q}Attribute>'

    attributes = [(attribute("Role", [text for text, _ in group]), [pair for _, pair in group])
                  for group in role_groups]
    attributes.append((attribute("RoleSessionName", [session]), []))
    if draw(st.booleans()):
        attributes.append((attribute("SessionDuration", [str(draw(st.integers(900, 43200)))]), []))
    if draw(st.booleans()):
        attributes.append((f'<{q}Attribute Name="urn:other:attribute">'
                           f"<{q}AttributeValue>x</{q}AttributeValue></{q}Attribute>", []))
    attributes = draw(st.permutations(attributes))
    gap = draw(blank)
    declaration = draw(st.sampled_from(['', '<?xml version="1.0" encoding="UTF-8"?>\n']))
    xml = (f'{declaration}<{p}:Response xmlns:{p}="{_SAMLP}" {a_decl} ID="R1" Version="2.0">'
           f'{gap}<{p}:Status><{p}:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
           f"</{p}:Status>{gap}<{q}Assertion ID=\"A1\" Version=\"2.0\">{gap}"
           f"<{q}AttributeStatement>{gap.join(xml for xml, _ in attributes)}"
           f"</{q}AttributeStatement>{gap}"
           f"</{q}Assertion></{p}:Response>")
    expected = list(dict.fromkeys(pair for _, carried in attributes for pair in carried))
    return base64.b64encode(xml.encode()).decode(), expected, session


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@FUZZ
@given(responses())
def test_every_well_formed_response_yields_exactly_its_roles(response):
    b64, expected, session = response
    assertion = saml.parse(b64)
    assert [(role.arn, role.provider_arn) for role in assertion.roles] == expected
    for role in assertion.roles:
        _, partition, _, _, account, resource = role.arn.split(":", 5)
        assert (role.partition, role.account_id) == (partition, account)
        assert role.name == resource.rsplit("/", 1)[1]
    assert assertion.session_name == session
    event(f"roles read: {'1' if len(expected) == 1 else '2-9' if len(expected) < 10 else '10+'}")
    event(f"partitions: {len({role.partition for role in assertion.roles})}")

    rows = roles.menu_rows(assertion.roles)
    assert sorted(role.arn for role, _ in rows) == sorted(arn for arn, _ in expected)
    for role, label in rows:
        assert role.account_id in label and role.name in label
    event("reached the role menu")
