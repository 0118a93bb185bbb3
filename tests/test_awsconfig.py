"""profiles generate --aws-config: credential_process profiles appended to the AWS config
file with every other byte kept, then used for real by the AWS CLI and boto3 against moto's
STS and the fake OneLogin."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from conftest import OLENV, run_olenv
from fakes.saml import role_value
from fakes.sts import FaultySTS

from olenv import awsconfig

PASSWORD = "correct horse"
# moto files a role assumed without credentials under its default account, and
# GetCallerIdentity finds it only there.
ACCOUNT = "123456789012"
MINE = (b"# my settings\r\n[default]\r\nregion = us-west-1\r\n\r\n"
        b"[profile mine]   ; a comment\r\noutput = json\r\n[sso-session corp]\r\n"
        b"sso_region = us-east-1")  # CRLF, a comment, no final newline


def plan(data: bytes, tmp_path, regions, config_dir=None):
    path = tmp_path / "config"
    path.write_bytes(data)
    return awsconfig.plan(path, regions, config_dir)


def test_every_byte_is_kept_and_new_sections_use_the_files_line_endings(tmp_path):
    change = plan(MINE, tmp_path, {"dev": "eu-west-1", "mine": "us-east-1", "default": "x"})
    assert sorted(change.present) == ["default", "mine"]
    text = change.text()
    assert text.startswith(MINE)
    assert text[len(MINE):] == (b"\r\n\r\n[profile dev]\r\n"
                                b"credential_process = olenv credential-process --profile dev\r\n"
                                b"region = eu-west-1\r\n")


def test_a_new_file_gets_plain_sections(tmp_path):
    change = plan(b"", tmp_path, {"a": "eu-west-1", "b": "us-east-1"})
    assert change.text().decode() == (
        "[profile a]\ncredential_process = olenv credential-process --profile a\n"
        "region = eu-west-1\n\n"
        "[profile b]\ncredential_process = olenv credential-process --profile b\n"
        "region = us-east-1\n")


@pytest.mark.parametrize("name", ["a]\n[prod", "x y", "$(touch /tmp/x)", "-p", "a\x1bb", ""])
def test_names_that_could_inject_a_section_or_a_word_are_refused(tmp_path, name):
    change = plan(b"", tmp_path, {name: "eu-west-1"})
    assert change.added == {} and name in change.refused and change.text() == b""


def test_a_region_that_could_inject_a_line_is_refused(tmp_path):
    change = plan(b"", tmp_path, {"dev": "eu-west-1\ncredential_process = sh"})
    assert change.added == {} and "region" in change.refused["dev"]


def test_the_config_dir_travels_in_the_command(tmp_path):
    folder = tmp_path / "my conf"
    change = plan(b"", tmp_path, {"dev": "eu-west-1"}, str(folder))
    assert change.added["dev"][1] == (f"credential_process = olenv credential-process "
                                      f"--profile dev -c '{folder}'")


def test_profiles_are_found_as_botocore_reads_them():
    text = b"[default]\n[profile  a ]\n  [profile b]\n[c]\n[sso-session d]\n# [profile e]\n"
    assert awsconfig.profiles_in(text) == {"default", "a", "b"}


# --- the command, end to end ---------------------------------------------------------

@pytest.fixture
def alice(onelogin, env, home, moto_sts):
    onelogin.add_user("alice@example.com", PASSWORD, roles=[
        role_value(ACCOUNT, "Admin"), role_value(ACCOUNT, "ReadOnly")])
    (home / ".onelogin" / "accounts.yaml").write_text(f"accounts:\n  {ACCOUNT}: prod\n")
    env["OLENV_PASSWORD"] = PASSWORD
    sts = FaultySTS(moto_sts, one_role=True)  # moto reads one Role value only
    env["AWS_ENDPOINT_URL_STS"] = sts.url
    yield env
    sts.stop()


def aws_cli(env, *args):
    aws = Path(sys.executable).parent / "aws"
    return subprocess.run([str(aws), *args], env=env, capture_output=True, text=True, timeout=120)


def test_generate_then_the_aws_cli_and_boto3_use_the_profiles(alice, home, onelogin):
    config = home / ".aws" / "config"
    config.write_bytes(MINE)
    result = run_olenv(["profiles", "generate", "--aws-config", "--yes"], alice)
    assert result.returncode == 0, result.stderr
    assert "+ [profile prod-admin]" in result.stderr
    assert "+ credential_process = olenv credential-process --profile prod-admin" in result.stderr
    text = config.read_bytes()
    assert text.startswith(MINE) and text.count(b"[profile ") == 3
    assert b"region = eu-west-1\r\n" in text  # the top-level aws_region of onelogin.aws.json
    assert sorted(json.loads((home / ".onelogin" / "onelogin.aws.json").read_text())["profiles"]) \
        == ["prod-admin", "prod-readonly"]

    # The AWS CLI runs olenv credential-process, which signs in and takes the profile's role.
    called = aws_cli(alice, "sts", "get-caller-identity", "--profile", "prod-admin")
    assert called.returncode == 0, called.stderr
    assert json.loads(called.stdout)["Arn"].startswith(
        f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/")
    by_variable = aws_cli({**alice, "AWS_PROFILE": "prod-readonly"},
                          "sts", "get-caller-identity")
    assert by_variable.returncode == 0, by_variable.stderr
    assert ":assumed-role/ReadOnly/" in json.loads(by_variable.stdout)["Arn"]

    # boto3, in a process of its own reading the same environment.
    script = ("import boto3; s = boto3.Session(profile_name='prod-admin'); "
              "print(s.region_name, s.client('sts').get_caller_identity()['Account'])")
    done = subprocess.run([sys.executable, "-c", script], env=alice, capture_output=True,
                          text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, f"eu-west-1 {ACCOUNT}\n"), done.stderr


def test_a_second_run_changes_no_byte(alice, home):
    config = home / ".aws" / "config"
    assert run_olenv(["profiles", "generate", "--aws-config", "--yes"], alice).returncode == 0
    before = config.read_bytes()
    config.chmod(0o640)
    again = run_olenv(["profiles", "generate", "--aws-config", "--yes"], alice)
    assert again.returncode == 0, again.stderr
    assert "a section for every profile" in again.stderr
    assert config.read_bytes() == before and config.stat().st_mode & 0o777 == 0o640


def test_an_existing_profile_is_left_alone(alice, home):
    config = home / ".aws" / "config"
    config.write_text("[profile prod-admin]\nrole_arn = arn:aws:iam::1:role/Mine\n")
    assert run_olenv(["profiles", "generate", "--aws-config", "--yes"], alice).returncode == 0
    text = config.read_text()
    assert text.startswith("[profile prod-admin]\nrole_arn = arn:aws:iam::1:role/Mine\n\n")
    assert text.count("[profile prod-admin]") == 1 and "[profile prod-readonly]" in text


def test_a_symlinked_config_is_written_through(alice, home, tmp_path):
    real = tmp_path / "dotfiles" / "aws-config"
    real.parent.mkdir()
    real.write_text("# kept\n")
    (home / ".aws" / "config").symlink_to(real)
    assert run_olenv(["profiles", "generate", "--aws-config", "--yes"], alice).returncode == 0
    assert (home / ".aws" / "config").is_symlink()
    assert real.read_text().startswith("# kept\n\n[profile ")


@pytest.mark.parametrize("answer, written", [("n", False), ("y", True)])
def test_at_a_terminal_it_shows_the_sections_and_asks_first(alice, home, answer, written):
    config = home / ".aws" / "config"
    config.write_bytes(MINE)
    child = pexpect.spawn(OLENV[0], OLENV[1:] + ["profiles", "generate", "--aws-config"],
                          env=alice, timeout=30, encoding="utf-8")
    child.expect_exact("+ [profile prod-admin]")
    child.expect_exact("+ region = eu-west-1")
    child.expect(r"\[y/N\]")
    child.sendline(answer)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (config.read_bytes() != MINE) == written


def test_an_unreadable_config_is_one_line_and_nothing_changes(alice, home):
    (home / ".aws" / "config").mkdir()
    aws_file = home / ".onelogin" / "onelogin.aws.json"
    before = aws_file.read_bytes()
    result = run_olenv(["profiles", "generate", "--aws-config", "--yes"], alice)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("olenv: ") and "config" in line
    assert aws_file.read_bytes() == before
    assert not [p for p in os.listdir(home / ".aws") if p.startswith(".")]
