"""Hostile SAML Responses: whatever OneLogin (or whoever answers in its place) sends,
olenv parses it or refuses it in one line; it never crashes, reads a file or
opens a connection because of it."""

import base64
import json
import re
import subprocess
import sys

import pytest
from conftest import require, run_olenv
from fakes.onelogin import FakeOneLogin
from fakes.saml import role_value, saml_response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olenv import roles, saml
from olenv.errors import SamlError

FUZZ = settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
VALID = base64.b64decode(saml_response([role_value("111111111111", "Admin"),
                                        role_value("222222222222", "Dev")]))


def b64(xml: str | bytes) -> str:
    return base64.b64encode(xml.encode() if isinstance(xml, str) else xml).decode()


@pytest.fixture
def catcher():
    """A server that must never be contacted: any request to it is a leak."""
    with FakeOneLogin() as server:
        yield server


def attacks(url: str, secret_file: str) -> dict[str, bytes]:
    body = VALID.decode().split("\n", 1)[1]  # without the XML declaration
    root = "samlp:Response"
    return {
        "external entity over http": f'<!DOCTYPE {root} [<!ENTITY x SYSTEM "{url}/xxe">]>'
                                     + body.replace("Admin<", "Admin&x;<"),
        "external entity from a file": f'<!DOCTYPE {root} [<!ENTITY x SYSTEM "file://{secret_file}">]>'
                                       + body.replace("Admin<", "Admin&x;<"),
        "parameter entity DTD": f'<!DOCTYPE {root} [<!ENTITY % p SYSTEM "{url}/dtd"> %p;]>' + body,
        "external DTD": f'<!DOCTYPE {root} SYSTEM "{url}/ext.dtd">' + body,
        "public DTD": f'<!DOCTYPE {root} PUBLIC "-//X//EN" "{url}/pub.dtd">' + body,
        "XInclude": body.replace("<saml:Issuer>", f'<xi:include xmlns:xi="http://www.w3.org/2001/'
                                 f'XInclude" href="{url}/xinclude" parse="text"/><saml:Issuer>', 1),
        "XInclude of a file": body.replace("<saml:Issuer>", '<xi:include xmlns:xi="http://www.w3.org'
                                           f'/2001/XInclude" href="{secret_file}" parse="text"/>'
                                           "<saml:Issuer>", 1),
        "schemaLocation": body.replace("<samlp:Response ", '<samlp:Response xmlns:xsi="http://www.'
                                       'w3.org/2001/XMLSchema-instance" xsi:schemaLocation='
                                       f'"urn:x {url}/schema.xsd" ', 1),
        "billion laughs": f'<!DOCTYPE {root} [<!ENTITY a "aaaaaaaaaa">'
                          + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                                    for i in range(9))
                          + "]>" + body.replace("Admin<", "Admin&j;<"),
        "quadratic blowup": f'<!DOCTYPE {root} [<!ENTITY a "{"x" * 50000}">]>'
                            + body.replace("Admin<", "Admin" + "&a;" * 2000 + "<"),
    }


ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp037"]


def encoded(xml: str, encoding: str) -> bytes:
    # A declaration naming the encoding, then the bytes the byte check cannot read.
    return (f'<?xml version="1.0" encoding="{encoding.upper()}"?>' + xml).encode(encoding)


def test_no_attack_in_any_encoding_reads_a_file_or_opens_a_connection(catcher, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("TOP-SECRET-CONTENT")
    count = 0
    for name, xml in attacks(catcher.url, str(secret_file)).items():
        for encoding in ENCODINGS:
            try:
                assertion = saml.parse(b64(encoded(xml, encoding)))
            except SamlError as error:
                assert "\n" not in str(error), name
            else:
                # Parsed only when nothing was fetched or expanded.
                assert "SECRET" not in repr(assertion) and len(repr(assertion)) < 100_000, name
            count += 1
    assert catcher.requests == [] and count == len(ENCODINGS) * 10


_PARSE_ALL = """
import base64, json, sys
from olenv import saml
from olenv.errors import SamlError
for data in json.load(sys.stdin):
    try:
        saml.parse(data)
    except SamlError:
        pass
print("parsed")
"""


def test_no_attack_makes_the_parser_open_a_file_or_a_socket(catcher, tmp_path):
    """Observed from outside: libxml2 reads files and sockets in C, where no Python
    hook sees it, so the parse runs under strace and every open and connect is read."""
    strace = require("strace")
    secret_file = tmp_path / "secret"
    secret_file.write_text("TOP-SECRET-CONTENT")
    documents = [b64(encoded(xml, encoding))
                 for xml in attacks(catcher.url, str(secret_file)).values()
                 for encoding in ENCODINGS]
    trace = tmp_path / "trace"
    # Imports first, so the trace holds only what parsing the attacks does.
    script = "import lxml.etree, olenv.saml\n" + _PARSE_ALL
    result = subprocess.run([strace, "-f", "-qq", "-e", "trace=open,openat,connect,socket",
                             "-o", str(trace), sys.executable, "-c", script],
                            input=json.dumps(documents), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and result.stdout == "parsed\n", result.stderr
    calls = trace.read_text().splitlines()
    assert [call for call in calls if str(secret_file) in call or "secret" in call] == []
    assert [call for call in calls if "connect(" in call or "socket(" in call] == []
    # The trace does see opens: the interpreter's own start-up is in it.
    assert any("openat(" in call for call in calls)
    assert catcher.requests == []


@pytest.mark.parametrize("name, xml", [
    ("deep nesting", VALID.decode().replace("<saml:AttributeStatement>",
                                            "<a>" * 5000 + "</a>" * 5000 + "<saml:AttributeStatement>")),
    ("assertion in another namespace", VALID.decode().replace(
        "<saml:Assertion ", '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion" ')),
    ("attributes outside the statement", re.sub(r"</?saml:AttributeStatement>", "", VALID.decode())),
    ("role attribute in another namespace", VALID.decode().replace(
        "<saml:Attribute Name=", '<x:Attribute xmlns:x="urn:evil" Name=', 1)),
    ("no attributes at all", re.sub(r"<saml:AttributeStatement>.*</saml:AttributeStatement>", "",
                                    VALID.decode(), flags=re.S)),
    ("two assertions", VALID.decode().replace("</samlp:Response>", "") +
     VALID.decode().split("<saml:Assertion ", 1)[1].join(["<saml:Assertion ", ""])
     + "</samlp:Response>"),
    ("status failure with a nasty code", VALID.decode().replace(
        "status:Success", "status:\x1b[2J" + "Requester" * 100)),
    ("not XML at all", "\x00\xff" * 100),
    ("a processing instruction bomb", "<?pi " + "x" * 100000 + "?>" + VALID.decode().split("\n", 1)[1]),
])
def test_a_malformed_response_is_one_clean_error_or_parses(name, xml):
    try:
        assertion = saml.parse(b64(xml.encode("utf-8", "surrogatepass")))
    except SamlError as error:
        assert "\n" not in str(error) and "\x1b" not in str(error)
        return
    assert all(role.account_id in ("111111111111", "222222222222") for role in assertion.roles)


@pytest.mark.parametrize("b64text", [
    b64(VALID)[:-7], b64(VALID)[:-1] + "!", "=" * 100, "PHNhbWw+" * 3 + "=", "\x00" * 10,
    b64(VALID).replace("A", "\u0391"), " \n\t" * 100, b64(VALID)[:100] + "\n" * 1000,
    "A" * (saml.MAX_BASE64 + 4),
])
def test_broken_base64_is_one_clean_error(b64text):
    with pytest.raises(SamlError) as error:
        saml.parse(b64text)
    assert "\n" not in str(error.value)


# --- fuzz: bytes, mutations of a valid document, and arbitrary text ---------------------

def parses_or_refuses(data: str) -> None:
    try:
        assertion = saml.parse(data)
    except SamlError as error:
        assert "\n" not in str(error)
        return
    # What parsed must be usable by the role menu without surprises.
    roles.menu_rows(assertion.roles)


@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_random_bytes(data):
    parses_or_refuses(b64(data))


@FUZZ
@given(st.text(max_size=300))
def test_fuzz_random_text_as_base64(text):
    parses_or_refuses(text)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 3), st.binary(max_size=8)),
                min_size=1, max_size=8))
def test_fuzz_mutations_of_a_valid_response(edits):
    data = bytearray(VALID)
    for at, kind, chunk in edits:
        at = min(at, len(data))
        if kind == 0:
            data[at:at + len(chunk)] = chunk  # overwrite
        elif kind == 1:
            data[at:at] = chunk  # insert
        elif kind == 2:
            del data[at:at + 1 + len(chunk)]  # delete
        else:
            data[at:at] = b"<!DOCTYPE x>" if chunk[:1] == b"\0" else b"&amp;<!-- -->"
    parses_or_refuses(b64(bytes(data)))


@FUZZ
@given(st.lists(st.text(max_size=60) | st.sampled_from([
    role_value("111111111111", "Admin"), role_value("111111111111", "x", reversed=True),
    "Default", ",", "arn:aws:iam::111111111111:role/A,arn:aws:iam::222222222222:saml-provider/P",
    "arn:aws-cn:iam::111111111111:role/A,arn:aws:iam::111111111111:saml-provider/P",
    "arn:aws:iam::111111111111:role/\u0410,arn:aws:iam::111111111111:saml-provider/P"]),
    max_size=8))
def test_fuzz_role_values(values):
    try:
        assertion = saml.parse(saml_response(values))
    except SamlError as error:
        assert "\n" not in str(error)
        return
    for role in assertion.roles:
        assert role.arn.isascii() and role.provider_arn.isascii()
        assert role.partition == role.provider_arn.split(":")[1]
        assert role.account_id.isdigit() and len(role.account_id) == 12


# --- end to end: a hostile assertion from the fake OneLogin ------------------------------

def test_hostile_assertions_end_to_end(onelogin, env, catcher, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("TOP-SECRET-CONTENT")
    env["OLENV_PASSWORD"] = "pw"
    cases = {**attacks(catcher.url, str(secret_file)),
             "no role attribute": base64.b64decode(saml_response([])).decode(),
             "truncated": VALID.decode()[:len(VALID) // 2]}
    for name, xml in cases.items():
        user = onelogin.add_user(f"{len(onelogin.users)}@example.com", "pw", saml=b64(xml))
        result = run_olenv(["export", "--format", "json", "-u", user.username], env)
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("olenv: "), (name, result.stderr)
        assert result.stdout == "" and "SECRET" not in result.stderr
        if name.startswith(("XInclude", "schemaLocation")):
            # Never processed: the document is the plain two-role one.
            assert result.returncode == 2 and "2 AWS roles fit" in lines[0], (name, lines)
        else:
            assert result.returncode == 1 and "SAML" in lines[0], (name, lines)
    assert catcher.requests == []
