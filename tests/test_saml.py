"""olenv.saml against real SAML Responses, hostile documents and malformed roles."""

import base64
import re
import string
from datetime import datetime, timedelta, timezone

import pytest
from fakes.saml import role_value, saml_response
from hypothesis import given, settings
from hypothesis import strategies as st

from olenv import saml
from olenv.errors import SamlError
from olenv.saml import Assertion, Role, parse

A, B = "111111111111", "222222222222"
NOW = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
NO_ROLE = "the SAML assertion carries no AWS role: ask your OneLogin admin to assign one"


def role(account: str, name: str, provider: str = "OneLogin", partition: str = "aws") -> Role:
    return Role(f"arn:{partition}:iam::{account}:role/{name}",
                f"arn:{partition}:iam::{account}:saml-provider/{provider}")


def xml_of(b64: str) -> str:
    return base64.b64decode(b64).decode()


def b64_of(xml: str, encoding: str = "utf-8") -> str:
    return base64.b64encode(xml.encode(encoding)).decode()


def edited(old: str, new: str, **kwargs) -> str:
    """A fake response with one piece of its XML replaced."""
    xml = xml_of(saml_response([role_value(A, "Admin")], now=NOW, **kwargs))
    assert old in xml
    return b64_of(xml.replace(old, new, 1))


def refused(b64: str, *words: str) -> str:
    """The one-line SamlError message parse gives, checked to hold `words` and no XML."""
    with pytest.raises(SamlError) as caught:
        parse(b64)
    message = str(caught.value)
    assert "\n" not in message and "<" not in message and len(message) < 300
    assert caught.value.exit_code == 1
    for word in words:
        assert word in message
    return message


# Roles


def test_roles_across_two_accounts_in_order_received():
    values = [role_value(B, "ReadOnly"), role_value(A, "Admin"), role_value(A, "Dev")]
    assertion = parse(saml_response(values, now=NOW))
    assert assertion.roles == (role(B, "ReadOnly"), role(A, "Admin"), role(A, "Dev"))
    assert [r.account_id for r in assertion.roles] == [B, A, A]
    assert [r.name for r in assertion.roles] == ["ReadOnly", "Admin", "Dev"]
    assert {r.partition for r in assertion.roles} == {"aws"}


def test_reversed_pair_is_classified_by_arn_type():
    assertion = parse(saml_response([role_value(A, "Admin", reversed=True)]))
    assert assertion.roles == (role(A, "Admin"),)


@pytest.mark.parametrize("value", [
    f"arn:aws:iam::{A}:role/Admin , arn:aws:iam::{A}:saml-provider/OneLogin",
    f"\n  arn:aws:iam::{A}:role/Admin,\n  arn:aws:iam::{A}:saml-provider/OneLogin\n",
    f"\tarn:aws:iam::{A}:saml-provider/OneLogin\n,\tarn:aws:iam::{A}:role/Admin  ",
    f"\u00a0arn:aws:iam::{A}:role/Admin\u2028,\r\narn:aws:iam::{A}:saml-provider/OneLogin\u3000",
])
def test_whitespace_and_newlines_around_the_comma(value):
    assert parse(saml_response([value])).roles == (role(A, "Admin"),)


def test_role_path_is_kept_in_the_arn_but_not_the_name():
    (only,) = parse(saml_response([role_value(A, "ops/team/Admin")])).roles
    assert only.arn == f"arn:aws:iam::{A}:role/ops/team/Admin"
    assert only.name == "Admin" and only.account_id == A


@pytest.mark.parametrize("partition", ["aws-us-gov", "aws-cn", "aws-iso", "aws-iso-b", "aws-iso-e",
                                       "aws-iso-f", "aws-eusc"])
def test_other_partitions(partition):
    (only,) = parse(saml_response([role_value(A, "Admin", partition=partition)])).roles
    assert only == role(A, "Admin", partition=partition)
    assert only.partition == partition


@pytest.mark.parametrize("bad", [
    f"arn:aws:iam::{A}:role/Admin",                                       # no provider
    f"arn:aws:iam::{A}:role/Admin,",                                      # empty provider
    f"arn:aws:iam::{A}:role/Admin arn:aws:iam::{A}:saml-provider/OneLogin",  # no comma
    f"arn:aws:iam::{A}:role/Admin,arn:aws:iam::{A}:role/Dev",             # two roles
    f"arn:aws:iam::{A}:saml-provider/X,arn:aws:iam::{A}:saml-provider/Y",  # two providers
    f"arn:aws:iam::{A}:role/A,arn:aws:iam::{A}:saml-provider/P,extra",    # three fields
    "arn:aws:iam::11111111111:role/Admin,arn:aws:iam::11111111111:saml-provider/P",  # 11 digits
    f"arn:awsiso:iam::{A}:role/Admin,arn:awsiso:iam::{A}:saml-provider/P",  # not a partition
    f"arn:aws-isx:iam::{A}:role/Admin,arn:aws-isx:iam::{A}:saml-provider/P",  # unknown partition
    f"arn:aws-iso:iam::{A}:role/Admin,arn:aws-iso-b:iam::{A}:saml-provider/P",  # mixed partitions
    f"arn:aws:iam::{A}:role/Admin\n,arn:aws:iam::{A}:saml-provider/P\n,x",  # three fields, lines
    f"arn:aws:iam::{A}:role/Admin\narn:aws:iam::{A}:saml-provider/P",     # a line break, no comma
    f"arn:aws:iam::{A}:role/Ad\nmin,arn:aws:iam::{A}:saml-provider/P",    # a line break in the name
    f"arn:aws:iam::{A}:role/Admin,arn:aws:iam::{A}:saml-provider/P\u00e9",  # not ASCII
    f"arn:aws:iam::{A}:role/Admin,arn:aws:iam::{A}:saml-provider/P,arn:aws:iam::{A}:role/B",
    f"arn:aws:iam::{A}:role/Admin,arn:aws-cn:iam::{A}:saml-provider/P",   # mixed partitions
    f"arn:aws:sts::{A}:role/Admin,arn:aws:iam::{A}:saml-provider/P",      # not IAM
    f"arn:aws:iam::{A}:role/,arn:aws:iam::{A}:saml-provider/P",           # no role name
    f"arn:aws:iam::{A}:role/Ad min,arn:aws:iam::{A}:saml-provider/P",     # space in the name
    "garbage",
])
def test_malformed_values_are_dropped(bad):
    assert len(parse(saml_response([role_value(A, "Admin")] * 3 + [bad])).roles) == 1
    assertion = parse(saml_response([bad, role_value(B, "Dev")]))
    assert assertion.roles == (role(B, "Dev"),)
    refused(saml_response([bad]), "none of the 1 AWS role values", "valid role")


def test_default_is_dropped_and_alone_means_no_role():
    assert parse(saml_response(["Default", role_value(A, "Admin")])).roles == (role(A, "Admin"),)
    assert refused(saml_response(["Default"])) == NO_ROLE
    assert refused(saml_response(["Default", " "])) == NO_ROLE


def test_duplicates_are_removed_keeping_first_seen_order():
    values = [role_value(B, "Dev"), role_value(A, "Admin"), role_value(B, "Dev", reversed=True),
              role_value(A, "Admin"), role_value(B, "Dev")]
    assert parse(saml_response(values)).roles == (role(B, "Dev"), role(A, "Admin"))


def test_same_role_through_two_providers_is_two_roles():
    values = [role_value(A, "Admin"), role_value(A, "Admin", provider="Okta")]
    assert parse(saml_response(values)).roles == (role(A, "Admin"), role(A, "Admin", "Okta"))


def test_no_role_attribute():
    assert refused(saml_response([])) == NO_ROLE


def test_role_attribute_without_values():
    b64 = edited(f"<saml:AttributeValue>{role_value(A, 'Admin')}</saml:AttributeValue>", "")
    assert refused(b64) == NO_ROLE


def test_role_attribute_split_by_a_comment_is_joined():
    value = role_value(A, "Admin")
    assert parse(edited(value, value[:10] + "<!-- x -->" + value[10:])).roles == (role(A, "Admin"),)


def test_five_thousand_roles():
    values = [role_value(f"{n // 50:012d}", f"Role{n % 50:02d}") for n in range(5000)]
    values += values[:100]  # duplicates on top
    roles = parse(saml_response(values)).roles
    assert len(roles) == 5000
    assert roles[0] == role("000000000000", "Role00")
    assert roles[-1] == role("000000000099", "Role49")


# Other attributes and times


def test_session_name_duration_and_times():
    end = NOW + timedelta(hours=8)
    assertion = parse(saml_response([role_value(A, "Admin")], session_name="bob@example.com",
                                    duration=7200, now=NOW, ttl=300,
                                    session_not_on_or_after=end))
    assert assertion.session_name == "bob@example.com"
    assert assertion.session_duration == 7200
    assert assertion.not_before == NOW - timedelta(seconds=300)
    assert assertion.not_on_or_after == NOW + timedelta(seconds=300)
    assert assertion.session_not_on_or_after == end
    assert assertion.not_before.tzinfo == timezone.utc


def test_onelogins_times_name_the_end_on_every_python():
    # Python 3.10's fromisoformat refuses `Z`: every time was None there, so the agent
    # never kept an assertion (it keeps only one that names its end).
    assertion = parse(saml_response([role_value(A, "Admin")], now=NOW, ttl=180))
    assert assertion.ends == NOW + timedelta(seconds=180)
    assert assertion.not_before == NOW - timedelta(seconds=180)


def test_missing_duration_and_odd_duration_are_none():
    assert parse(saml_response([role_value(A, "Admin")], duration=None)).session_duration is None
    b64 = edited("<saml:AttributeValue>3600</saml:AttributeValue>",
                 "<saml:AttributeValue>an hour</saml:AttributeValue>")
    assert parse(b64).session_duration is None


def test_b64_is_kept_exactly_as_received():
    b64 = saml_response([role_value(A, "Admin")])
    wrapped = "\n".join(b64[i:i + 76] for i in range(0, len(b64), 76)) + "\r\n"
    assert parse(b64).b64 == b64
    assert parse(wrapped).b64 == wrapped
    assert parse(wrapped).roles == (role(A, "Admin"),)


def test_valid_at():
    assertion = parse(saml_response([role_value(A, "Admin")], now=NOW, ttl=180))
    assert assertion.valid_at(NOW)
    assert not assertion.valid_at(NOW - timedelta(seconds=181))
    assert not assertion.valid_at(NOW + timedelta(seconds=180))  # NotOnOrAfter is exclusive
    assert not assertion.valid_at(datetime.now(timezone.utc) + timedelta(days=3650))


def test_expired_conditions_are_not_valid_now():
    old = datetime(2020, 1, 1, tzinfo=timezone.utc)
    assertion = parse(saml_response([role_value(A, "Admin")], now=old))
    assert assertion.roles == (role(A, "Admin"),)  # still readable
    assert not assertion.valid_at(datetime.now(timezone.utc))


def test_session_not_on_or_after_ends_validity():
    assertion = parse(saml_response([role_value(A, "Admin")], now=NOW,
                                    session_not_on_or_after=NOW - timedelta(seconds=1)))
    assert not assertion.valid_at(NOW)


def test_missing_times_are_tolerated():
    xml = xml_of(saml_response([role_value(A, "Admin")], now=NOW))
    xml = re.sub(r' (Not\w+|SessionNotOnOrAfter)="[^"]*"', "", xml)
    assertion = parse(b64_of(xml))
    assert (assertion.not_before, assertion.not_on_or_after,
            assertion.session_not_on_or_after) == (None, None, None)
    assert assertion.valid_at(NOW)


@pytest.mark.parametrize("text, expected", [
    ("2030-01-02T03:04:05.123Z", datetime(2030, 1, 2, 3, 4, 5, 123000, tzinfo=timezone.utc)),
    ("2030-01-02T03:04:05.123456789Z", datetime(2030, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc)),
    ("2030-01-02T05:04:05.5+02:00", datetime(2030, 1, 2, 3, 4, 5, 500000, tzinfo=timezone.utc)),
    ("2030-01-02T03:04:05", datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
    ("2030-01-02T03:04:05Z", datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
    ("2030-01-02T03:04:05.1Z", datetime(2030, 1, 2, 3, 4, 5, 100000, tzinfo=timezone.utc)),
    ("2030-01-02T03:04:05.1234-01:30", datetime(2030, 1, 2, 4, 34, 5, 123400,
                                                tzinfo=timezone.utc)),
    (" 2030-01-02T03:04:05Z\n", datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
    ("2030-13-02T03:04:05Z", None),
    ("20300102T030405Z", None),  # ISO 8601's basic format is no xs:dateTime
    ("2030-01-02 03:04:05Z", None),
    ("soon", None),
])
def test_timestamps_with_fractions_and_offsets(text, expected):
    start = NOW - timedelta(seconds=180)
    b64 = edited(f'NotBefore="{start:%Y-%m-%dT%H:%M:%SZ}"', f'NotBefore="{text}"')
    when = parse(b64).not_before
    assert when == expected
    if when is not None:
        assert when.utcoffset() == timedelta(0)


def test_status_not_success_is_refused_with_its_code():
    b64 = edited('<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>',
                 '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder">'
                 '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"/>'
                 '</samlp:StatusCode>')
    assert refused(b64) == ("OneLogin's SAML Response reports failure: "
                            "status Responder/AuthnFailed")


# Hostile and broken documents


def test_xxe_external_file_entity_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    xml = xml_of(saml_response([], now=NOW)).replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>')
    xml = xml.replace("alice@example.com", "&x;")
    message = refused(b64_of(xml), "DTD")
    assert "TOPSECRET" not in message


def test_billion_laughs_is_refused():
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    xml = f'<!DOCTYPE r [{entities}]><r>&l9;</r>'
    refused(b64_of(xml), "DTD")


def test_external_dtd_is_refused(tmp_path):
    dtd = tmp_path / "saml.dtd"
    dtd.write_text('<!ENTITY x "TOPSECRET">')
    xml = xml_of(saml_response([role_value(A, "Admin")])).replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<!DOCTYPE samlp:Response SYSTEM "file://{dtd}">')
    refused(b64_of(xml), "DTD")


def test_dtd_in_utf16_is_refused_after_parsing(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    xml = xml_of(saml_response([role_value(A, "Admin")])).replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>')
    assert "TOPSECRET" not in refused(b64_of(xml.replace("alice@", "&x;"), "utf-16"), "DTD")


def test_truncated_base64():
    b64 = saml_response([role_value(A, "Admin")])
    refused(b64[:-3], "not valid base64")
    refused(b64[: len(b64) // 8 * 4], "not well-formed XML")


@pytest.mark.parametrize("text", ["not base64!", "QUJD=RA==", "αβγδ", "-_-_"])
def test_not_base64(text):
    refused(text, "not valid base64")


@pytest.mark.parametrize("text", ["", " \n\t"])
def test_empty(text):
    refused(text, "empty")


def test_oversized_assertion_is_refused_before_decoding():
    refused("A" * (10 * 1024 * 1024 + 4), "larger than 10 MiB")


@pytest.mark.parametrize("payload", [b"hello", b"{\"data\": 1}", b"<a><b></a>", b"\xff\xfe\x00"])
def test_not_xml(payload):
    refused(base64.b64encode(payload).decode(), "not well-formed XML")


@pytest.mark.parametrize("old, new", [
    ("urn:oasis:names:tc:SAML:2.0:protocol", "urn:example:protocol"),
    ("<samlp:Response ", "<samlp:Responses "),
])
def test_wrong_root(old, new):
    xml = xml_of(saml_response([role_value(A, "Admin")]))
    xml = xml.replace(old, new).replace("</samlp:Response>", "</samlp:Responses>"
                                        if "Responses" in new else "</samlp:Response>")
    refused(b64_of(xml), "not a SAML 2.0 Response")


def test_response_without_assertion():
    xml = xml_of(saml_response([role_value(A, "Admin")]))
    xml = xml[:xml.index("<saml:Assertion ")] + "</samlp:Response>"
    assert refused(b64_of(xml)) == "the SAML Response holds no assertion"
    encrypted = xml.replace("</samlp:Response>",
                            "<saml:EncryptedAssertion>x</saml:EncryptedAssertion></samlp:Response>")
    refused(b64_of(encrypted), "encrypted")


# Agreement with moto's STS


def test_single_role_response_parses_and_moto_accepts_it():
    import boto3
    from moto import mock_aws

    b64 = saml_response([role_value(A, "Admin")], session_name="alice@example.com")
    assertion = parse(b64)
    (only,) = assertion.roles
    with mock_aws():
        sts = boto3.client("sts", region_name="us-east-1", aws_access_key_id="x",
                           aws_secret_access_key="x")
        answer = sts.assume_role_with_saml(RoleArn=only.arn, PrincipalArn=only.provider_arn,
                                           SAMLAssertion=assertion.b64)
    assert answer["AssumedRoleUser"]["Arn"] == \
        f"arn:aws:sts::{A}:assumed-role/Admin/alice@example.com"
    assert isinstance(assertion, Assertion) and assertion.session_name == "alice@example.com"


# Property: any valid pairs in any order and spacing come back as roles


_SPACE = st.text(alphabet=" \n\t", max_size=3)
_WORD = string.ascii_letters + string.digits + "_.-"
_NAME = st.text(alphabet=_WORD + "+=@", min_size=1, max_size=20)
_PAIR = st.tuples(
    st.text(alphabet=string.digits, min_size=12, max_size=12),
    st.lists(_NAME, min_size=1, max_size=3).map("/".join),
    st.text(alphabet=_WORD, min_size=1, max_size=20),
    st.sampled_from(["aws", "aws-cn", "aws-us-gov"]),
    st.booleans(), _SPACE, _SPACE, _SPACE,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PAIR, min_size=1, max_size=8))
def test_valid_pairs_round_trip(pairs):
    values, expected = [], {}
    for account, name, provider, partition, flipped, before, middle, after in pairs:
        left, right = role_value(account, name, provider, partition, flipped).split(",")
        values.append(f"{before}{left}{middle},{after}{right}{before}")
        expected.setdefault(role(account, name, provider, partition))
    assertion = parse(saml_response(values))
    assert assertion.roles == tuple(expected)
    assert [r.name for r in assertion.roles] == [r.arn.rsplit("/", 1)[1] for r in expected]


def test_the_partitions_are_those_botocore_knows():
    import json
    from pathlib import Path

    import botocore

    known = json.loads((Path(botocore.__file__).parent / "data" / "partitions.json").read_text())
    assert sorted(saml.PARTITIONS) == sorted(p["id"] for p in known["partitions"])


def test_a_role_is_an_immutable_value_equal_by_its_arns():
    admin = role(A, "Admin")
    assert admin == role(A, "Admin") and hash(admin) == hash(role(A, "Admin"))
    assert admin != role(A, "Admin", provider="Other")
    assert (admin.partition, admin.account_id, admin.name) == ("aws", A, "Admin")
    assert eval(repr(admin)) == admin  # noqa: S307 - our own repr
    with pytest.raises(AttributeError):
        admin.name = "Root"
    import copy
    import pickle

    assert copy.deepcopy(admin) == pickle.loads(pickle.dumps(admin)) == admin
