"""AWS partitions: the role's partition decides the region when none is given, for STS, the
exported AWS_REGION/AWS_DEFAULT_REGION and the console; a region of another partition is
refused before STS is called."""

import json
import subprocess
import sys

import pytest
from conftest import run_olenv, write_settings
from fakes.federation import FakeFederation
from fakes.saml import role_value, saml_response
from fakes.sts import FaultySTS

from olenv import partitions, sts
from olenv.errors import UsageError
from olenv.saml import parse

ACCOUNT = "123456789012"
# partition → (default region, STS host botocore resolves for it)
EXPECTED = {
    "aws": ("us-east-1", "sts.us-east-1.amazonaws.com"),
    "aws-cn": ("cn-north-1", "sts.cn-north-1.amazonaws.com.cn"),
    "aws-us-gov": ("us-gov-west-1", "sts.us-gov-west-1.amazonaws.com"),
    "aws-iso": ("us-iso-east-1", "sts.us-iso-east-1.c2s.ic.gov"),
    "aws-iso-b": ("us-isob-east-1", "sts.us-isob-east-1.sc2s.sgov.gov"),
}


def role(partition: str):
    (only,) = parse(saml_response([role_value(ACCOUNT, "Admin", partition=partition)])).roles
    return only


@pytest.mark.parametrize("partition", sorted(EXPECTED))
def test_each_partition_has_its_default_region_and_sts_endpoint(partition, monkeypatch):
    for name in ("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    region, host = EXPECTED[partition]
    assert partitions.region_for(role(partition), None) == region
    assert partitions.of_region(region) == partition
    assert sts.client(region).meta.endpoint_url == f"https://{host}"


def test_every_partition_botocore_knows_has_a_region_of_its_own():
    known = partitions.known()
    assert {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"} <= set(known)
    for name in known:
        assert partitions.of_region(partitions.default_region(name)) == name


@pytest.mark.parametrize("region, partition", [
    ("eu-west-1", "aws-cn"), ("cn-north-1", "aws"), ("us-gov-west-1", "aws"),
    ("us-east-1", "aws-us-gov"), ("us-east-1", "aws-iso"), ("xx-nowhere-1", "aws"),
])
def test_a_region_of_another_partition_is_refused(region, partition):
    with pytest.raises(UsageError) as raised:
        partitions.region_for(role(partition), region, "command line")
    message = str(raised.value)
    assert message.startswith(f"region {region} (command line) is in ")
    assert f"but role arn:{partition}:iam::{ACCOUNT}:role/Admin is in {partition}" in message
    assert f"(e.g. {EXPECTED[partition][0]}) with --aws-region" in message


def test_a_partition_botocore_does_not_know_is_one_line():
    # The SAML reader takes only botocore's partitions; this is the second line of defence.
    from types import SimpleNamespace

    unknown = SimpleNamespace(partition="aws-nope", arn=f"arn:aws-nope:iam::{ACCOUNT}:role/A")
    with pytest.raises(UsageError, match="partition 'aws-nope' is not one botocore knows"):
        partitions.region_for(unknown, None)


def test_the_partition_data_is_read_only_when_asked_for():
    # Importing olenv's sign-in modules reads no botocore data and imports no botocore.
    code = ("import sys; from olenv import flow, partitions, console; "
            "print(partitions.known.cache_info().currsize, 'botocore' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.split() == ["0", "False"]


@pytest.fixture
def users(onelogin, env, home):
    """One user per partition, and settings that name no region."""
    write_settings(home, onelogin, username="cn@example.com")
    for partition in EXPECTED:
        onelogin.add_user(f"{partition}@example.com", "pw",
                          roles=[role_value(ACCOUNT, "Admin", partition=partition)])
    env["OLENV_PASSWORD"] = "pw"
    return env


def exported(env, partition: str, *args) -> dict:
    result = run_olenv(["export", "--format", "json", "-u", f"{partition}@example.com", *args],
                       env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("partition", ["aws-cn", "aws-us-gov", "aws-iso"])
def test_the_roles_partition_decides_the_exported_region(users, partition):
    seen = exported(users, partition)
    region = EXPECTED[partition][0]
    assert (seen["AWS_REGION"], seen["AWS_DEFAULT_REGION"]) == (region, region)
    assert seen["AWS_ACCESS_KEY_ID"].startswith("ASIA")


def test_a_region_of_the_roles_partition_is_kept(users):
    assert exported(users, "aws-cn", "--aws-region", "cn-northwest-1")["AWS_REGION"] == (
        "cn-northwest-1")


def test_a_region_of_another_partition_stops_before_sts(users, moto_sts):
    faulty = FaultySTS(moto_sts)
    users["AWS_ENDPOINT_URL_STS"] = faulty.url
    try:
        result = run_olenv(["export", "--format", "json", "-u", "aws-cn@example.com",
                            "--aws-region", "eu-west-1"], users)
    finally:
        faulty.stop()
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"olenv: region eu-west-1 (command line) is in aws, but role "
        f"arn:aws-cn:iam::{ACCOUNT}:role/Admin is in aws-cn: choose a region of aws-cn "
        "(e.g. cn-north-1) with --aws-region\n")
    assert faulty.requests == []


def test_an_inherited_region_of_another_partition_gives_way_with_a_warning(users):
    users["AWS_DEFAULT_REGION"] = "us-east-1"  # left by an earlier export for an aws role
    result = run_olenv(["export", "--format", "json", "-u", "aws-us-gov@example.com"], users)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["AWS_REGION"] == "us-gov-west-1"
    assert "warning: AWS_DEFAULT_REGION/AWS_REGION us-east-1 is in aws, not in aws-us-gov" in (
        result.stderr)


@pytest.mark.parametrize("partition, endpoint, landing", [
    ("aws-cn", "https://signin.amazonaws.cn/federation",
     "https://cn-north-1.console.amazonaws.cn/console/home?region=cn-north-1"),
    ("aws-us-gov", "https://signin.amazonaws-us-gov.com/federation",
     "https://us-gov-west-1.console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"),
])
def test_the_console_of_the_roles_partition(users, partition, endpoint, landing):
    from urllib.parse import parse_qs, urlsplit

    with FakeFederation() as federation:
        users["OLENV_FEDERATION_URL"] = federation.url
        result = run_olenv(["console", "--print", "-u", f"{partition}@example.com"], users)
    assert result.returncode == 0, result.stderr
    query = parse_qs(urlsplit(result.stdout.strip()).query)
    assert query["Destination"] == [landing]
    from olenv.console import federation_endpoint

    assert federation_endpoint(EXPECTED[partition][0]) == endpoint


def test_the_console_of_a_partition_without_one_is_one_line(users):
    env = {k: v for k, v in users.items() if k != "OLENV_FEDERATION_URL"}
    result = run_olenv(["console", "--print", "-u", "aws-iso@example.com"], env)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("olenv: olenv knows no AWS console sign-in for region us-iso-east-1 "
                             "(partition aws-iso): only aws, aws-cn, aws-us-gov have a public "
                             "federation endpoint\n")

