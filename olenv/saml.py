"""Read the SAML Response OneLogin returns: the AWS roles it offers and its times.

olenv does not verify the signature (AWS does); it only needs the roles to
choose from, the session name and duration, and the validity window. The
document comes from the network, so it is parsed with a hardened parser and
any DTD is refused outright.
"""

import base64
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from olenv.errors import SamlError

MAX_BASE64 = 10 * 1024 * 1024

_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
_NS = {"samlp": _SAMLP, "saml": _SAML}
_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
_ATTRIBUTES = "https://aws.amazon.com/SAML/Attributes/"

_PARTITION = r"arn:(?:aws|aws-cn|aws-us-gov):iam::\d{12}:"
_ROLE_ARN = re.compile(_PARTITION + r"role/(?:[\w+=.@-]+/)*[\w+=.@-]+", re.ASCII)
_PROVIDER_ARN = re.compile(_PARTITION + r"saml-provider/[\w.-]+", re.ASCII)
_SAFE = re.compile(r"[^\w:.+/-]", re.ASCII)
_DATETIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?", re.ASCII)


@dataclass(frozen=True)
class Role:
    arn: str
    provider_arn: str
    # Split out once: a menu sorts and labels thousands of roles by them.
    partition: str = field(init=False, compare=False, repr=False)
    account_id: str = field(init=False, compare=False, repr=False)
    name: str = field(init=False, compare=False, repr=False)  # without the IAM path

    def __post_init__(self):
        parts = self.arn.split(":")
        object.__setattr__(self, "partition", parts[1])
        object.__setattr__(self, "account_id", parts[4])
        object.__setattr__(self, "name", self.arn.rsplit("/", 1)[1])


@dataclass(frozen=True)
class Assertion:
    b64: str  # exactly as received: STS wants this very text
    roles: tuple[Role, ...]
    session_name: str | None
    session_duration: int | None
    not_before: datetime | None
    not_on_or_after: datetime | None
    session_not_on_or_after: datetime | None

    @property
    def ends(self) -> datetime | None:
        """The first moment the assertion is no longer valid; None: it names no end."""
        return min(filter(None, (self.not_on_or_after, self.session_not_on_or_after)),
                   default=None)

    def valid_at(self, when: datetime) -> bool:
        """Whether `when` (aware) falls in the assertion's window; a missing bound allows."""
        if self.not_before and when < self.not_before:
            return False
        return self.ends is None or when < self.ends


def parse(b64: str) -> Assertion:
    """Parse a base64 SAML Response; SamlError (one line, no assertion text) if unusable."""
    root = _document(_decode(b64))
    if root.tag != f"{{{_SAMLP}}}Response":
        raise SamlError("the SAML assertion is not a SAML 2.0 Response")
    _check_status(root)
    assertion = root.find("saml:Assertion", _NS)
    if assertion is None:
        hidden = root.find("saml:EncryptedAssertion", _NS) is not None
        raise SamlError("the SAML Response holds no assertion"
                        + (" olenv can read (it is encrypted)" if hidden else ""))
    attributes = _attributes(assertion)
    conditions = assertion.find("saml:Conditions", _NS)
    authn = assertion.find("saml:AuthnStatement", _NS)
    return Assertion(
        b64=b64,
        roles=_roles(attributes.get("Role", [])),
        session_name=_first(attributes, "RoleSessionName"),
        session_duration=_integer(_first(attributes, "SessionDuration")),
        not_before=_time(conditions, "NotBefore"),
        not_on_or_after=_time(conditions, "NotOnOrAfter"),
        session_not_on_or_after=_time(authn, "SessionNotOnOrAfter"),
    )


def _decode(b64: str) -> bytes:
    if len(b64) > MAX_BASE64:
        raise SamlError(f"the SAML assertion is larger than {MAX_BASE64 // 1024 // 1024} MiB")
    text = "".join(b64.split())  # OneLogin may wrap the base64 in lines
    if not text:
        raise SamlError("the SAML assertion is empty")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise SamlError("the SAML assertion is not valid base64") from None


def _document(data: bytes):
    from lxml import etree

    # Refused before parsing, so no entity is ever expanded or fetched.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise SamlError("the SAML assertion contains a DTD, which olenv refuses")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise SamlError("the SAML assertion is not well-formed XML") from None
    # A DTD in an encoding the byte check cannot see (UTF-16, say) is caught here.
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise SamlError("the SAML assertion contains a DTD, which olenv refuses")
    return root


def _check_status(root) -> None:
    codes = [code.get("Value", "") for code in
             root.iterfind("samlp:Status//samlp:StatusCode", _NS)]
    if codes and codes[0] != _SUCCESS:
        # The code is shown, so keep it short and printable whatever was sent.
        named = "/".join(_SAFE.sub("", code.rsplit(":", 1)[-1])[:40] for code in codes[:3])
        raise SamlError(f"OneLogin's SAML Response reports failure: status {named or 'unknown'}")


def _attributes(assertion) -> dict[str, list[str]]:
    """AWS attribute values by short name (`Role`, `RoleSessionName`...)."""
    found: dict[str, list[str]] = {}
    for attribute in assertion.iterfind("saml:AttributeStatement/saml:Attribute", _NS):
        name = attribute.get("Name", "")
        if name.startswith(_ATTRIBUTES):
            found.setdefault(name[len(_ATTRIBUTES):], []).extend(
                "".join(value.itertext())
                for value in attribute.iterfind("saml:AttributeValue", _NS))
    return found


def _roles(values: list[str]) -> tuple[Role, ...]:
    roles: dict[Role, None] = {}  # an ordered set: first-seen order, linear time
    unassigned = 0
    for value in values:
        role = _role(value)
        if role is not None:
            roles.setdefault(role)
        elif value.strip() in ("", "Default"):
            unassigned += 1
    if roles:
        return tuple(roles)
    if unassigned == len(values):
        raise SamlError(
            "the SAML assertion carries no AWS role: ask your OneLogin admin to assign one")
    raise SamlError(f"none of the {len(values)} AWS role values in the SAML assertion is a "
                    "valid role and SAML provider ARN pair: ask your OneLogin admin to check them")


def _role(value: str) -> Role | None:
    """A role from "<role ARN>,<provider ARN>" in either order, or None if malformed."""
    halves = [half.strip() for half in value.split(",")]
    if len(halves) != 2:
        return None
    if _PROVIDER_ARN.fullmatch(halves[0]):
        halves.reverse()
    role, provider = halves
    if not (_ROLE_ARN.fullmatch(role) and _PROVIDER_ARN.fullmatch(provider)):
        return None
    if role.split(":")[1] != provider.split(":")[1]:
        return None
    return Role(role, provider)


def _first(attributes: dict[str, list[str]], name: str) -> str | None:
    values = [value.strip() for value in attributes.get(name, [])]
    return values[0] if values and values[0] else None


def _integer(text: str | None) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() else None


def _time(element, attribute: str) -> datetime | None:
    """An xs:dateTime (fractions, `Z` or an offset) as aware UTC; None if absent or odd."""
    text = element.get(attribute) if element is not None else None
    match = _DATETIME.fullmatch(text.strip()) if text else None
    if not match:
        return None
    stamp, fraction, zone = match.groups()
    # Rebuilt in the one shape every fromisoformat reads: Python 3.10's refuses `Z` and
    # fractions of other than 3 or 6 digits, which SAML allows.
    micro = (fraction or ".")[1:7].ljust(6, "0")
    offset = "+00:00" if zone in (None, "Z") else zone  # SAML times without a zone are UTC
    try:
        return datetime.fromisoformat(f"{stamp}.{micro}{offset}").astimezone(timezone.utc)
    except ValueError:
        return None  # a month 13, say
