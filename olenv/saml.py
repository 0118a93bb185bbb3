"""Read the SAML Response OneLogin returns: the AWS roles it offers and its times.

olenv does not verify the signature (AWS does); it only needs the roles to
choose from, the session name and duration, and the validity window. The
document comes from the network, so it is parsed with a hardened parser and
any DTD is refused outright.
"""

import binascii
import functools
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from operator import itemgetter

from olenv.errors import SamlError

MAX_BASE64 = 10 * 1024 * 1024

_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
_NS = {"samlp": _SAMLP, "saml": _SAML}
_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
_ATTRIBUTES = "https://aws.amazon.com/SAML/Attributes/"

# Every partition botocore knows (its data/partitions.json: a test keeps the two in step).
PARTITIONS = ("aws", "aws-cn", "aws-eusc", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f",
              "aws-us-gov")
_PART = "|".join(sorted(PARTITIONS, key=len, reverse=True))
_NAME = r"[A-Za-z0-9_+=.@-]+"  # an IAM role name or path segment
_SAML_PROVIDER = r"saml-provider/[A-Za-z0-9_.-]+"
_GAP = r"[^\S\n]*"  # whitespace, as str.strip() takes it, short of a line break
# Every Role value of the assertion, one a line: "<role ARN>,<provider ARN>" in either
# order, both ARNs in one partition. One pass of one expression reads them all.
_PAIRS = re.compile(
    # role first: 1 role ARN, 2 partition, 3 account, 4 name, 5 provider ARN
    rf"^(arn:({_PART}):iam::([0-9]{{12}}):role/(?:{_NAME}/)*({_NAME})){_GAP},{_GAP}"
    rf"(arn:\2:iam::[0-9]{{12}}:{_SAML_PROVIDER})$"
    # provider first: 6 provider ARN, 7 partition, 8 role ARN, 9 account, 10 name
    rf"|^(arn:({_PART}):iam::[0-9]{{12}}:{_SAML_PROVIDER}){_GAP},{_GAP}"
    rf"(arn:\7:iam::([0-9]{{12}}):role/(?:{_NAME}/)*({_NAME}))$", re.MULTILINE)
_BASE64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_WHITESPACE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
_SAFE = re.compile(r"[^\w:.+/-]", re.ASCII)
_DATETIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?", re.ASCII)


class Role(tuple):
    """A role the assertion offers and the SAML provider that assumes it.

    A tuple (arn, provider_arn, partition, account_id, name): an assertion may carry
    20,000, and a tuple is the cheapest value that cannot change. The ARN's parts are
    split out once, since a menu sorts and labels thousands of roles by them; equal
    ARNs make equal roles, as the parts follow from the ARN.
    """

    __slots__ = ()
    arn = property(itemgetter(0))
    provider_arn = property(itemgetter(1))
    partition = property(itemgetter(2))
    account_id = property(itemgetter(3))
    name = property(itemgetter(4))  # without the IAM path

    def __new__(cls, arn: str, provider_arn: str):
        parts = arn.split(":")
        return tuple.__new__(cls, (arn, provider_arn, parts[1], parts[4],
                                   arn.rsplit("/", 1)[1]))

    def __getnewargs__(self):
        return self[:2]

    def __repr__(self) -> str:
        return f"Role({self.arn!r}, {self.provider_arn!r})"


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


def prepare() -> None:
    """Import the parser ahead of the assertion (flow does it while OneLogin answers).
    Only the import: lxml's parsers and XPath objects stay with the thread that reads."""
    from lxml import etree  # noqa: F401


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
    if not b64.isascii():
        raise SamlError("the SAML assertion is not valid base64")
    data = b64.encode("ascii")
    # Nothing but the alphabet, then at most two "=": what b64decode(validate=True)
    # checks with a regular expression, in one pass of C.
    padding = data.translate(None, _BASE64)
    if padding not in (b"", b"=", b"==") or not data.endswith(padding):
        # OneLogin may wrap the base64 in lines: the whitespace str.split() drops, dropped.
        data = data.translate(None, _WHITESPACE)
        padding = data.translate(None, _BASE64)
        if padding not in (b"", b"=", b"==") or not data.endswith(padding):
            raise SamlError("the SAML assertion is not valid base64")
    if not data:
        raise SamlError("the SAML assertion is empty")
    try:
        return binascii.a2b_base64(data)
    except binascii.Error:
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
            found.setdefault(name[len(_ATTRIBUTES):], []).extend(_values(attribute))
    return found


def _values(attribute) -> list[str]:
    """The text of each AttributeValue, as "".join(value.itertext()) gives it."""
    # Usually each value is a single text node: one XPath call in C then reads them all.
    if _xpath("not(saml:AttributeValue[count(node()) != 1 or not(text())])")(attribute):
        return _xpath("saml:AttributeValue/text()")(attribute)
    return ["".join(value.itertext())
            for value in attribute.iterfind("saml:AttributeValue", _NS)]


@functools.cache
def _xpath(expression: str):
    from lxml import etree

    return etree.XPath(expression, namespaces=_NS, smart_strings=False)


def _roles(values: list[str]) -> tuple[Role, ...]:
    lines = "\n".join([value.strip() for value in values])
    if lines.count("\n") >= len(values):  # a line break inside a value: a space to the check
        lines = "\n".join([value.strip().replace("\n", " ") for value in values])
    pairs = _PAIRS.findall(lines)
    # An ordered set: first-seen order, linear time; a role twice is the same Role. Built
    # in C (no Python frame a role) unless some value names its provider first.
    if all(map(itemgetter(0), pairs)):
        roles = dict.fromkeys(map(_ROLE_TUPLE, map(_ROLE_FIRST, pairs)))
    else:
        roles = dict.fromkeys(_ROLE_TUPLE(_ROLE_FIRST(found) if found[0] else
                                          _PROVIDER_FIRST(found)) for found in pairs)
    if roles:
        return tuple(roles)
    unassigned = sum(value.strip() in ("", "Default") for value in values)
    if unassigned == len(values):
        raise SamlError(
            "the SAML assertion carries no AWS role: ask your OneLogin admin to assign one")
    raise SamlError(f"none of the {len(values)} AWS role values in the SAML assertion is a "
                    "valid role and SAML provider ARN pair: ask your OneLogin admin to check them")


# _PAIRS' groups in Role's order (arn, provider_arn, partition, account_id, name).
_ROLE_FIRST = itemgetter(0, 4, 1, 2, 3)
_PROVIDER_FIRST = itemgetter(7, 5, 6, 8, 9)
_ROLE_TUPLE = functools.partial(tuple.__new__, Role)


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
