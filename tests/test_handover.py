"""End to end: olenv signs in to the fake OneLogin, assumes the role on moto's STS,
and real clients (the AWS CLI, botocore, bash, zsh, fish) use what it handed over."""

import json
import subprocess

import pytest
from conftest import OLENV, require, run_olenv
from fakes.saml import role_value

# moto files a role assumed without credentials under its default account, and
# GetCallerIdentity finds it only there.
ACCOUNT = "123456789012"
ROLE_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/alice@example.com"


@pytest.fixture
def alice(onelogin, env):
    onelogin.add_user("alice@example.com", "correct horse", roles=[role_value(ACCOUNT, "Admin")])
    env["OLENV_PASSWORD"] = "correct horse"
    return env


def identity(result) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_exec_runs_the_aws_cli_as_the_role(alice):
    result = run_olenv(["exec", "--", "aws", "sts", "get-caller-identity", "--output", "json"],
                       alice)
    assert identity(result)["Arn"] == ROLE_ARN
    assert result.stderr == ""


def test_exec_sets_exactly_the_managed_variables(alice):
    alice.update(AWS_PROFILE="stale", AWS_DEFAULT_PROFILE="stale", AWS_SECURITY_TOKEN="stale")
    result = run_olenv(["exec", "--", "env"], alice)
    assert result.returncode == 0, result.stderr
    child = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert child["AWS_ACCESS_KEY_ID"].startswith("ASIA")
    assert child["AWS_SESSION_TOKEN"] == child["AWS_SECURITY_TOKEN"] != "stale"
    assert child["AWS_REGION"] == child["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert child["AWS_CREDENTIAL_EXPIRATION"].endswith("Z")
    assert (child["OLENV_PROFILE"], child["OLENV_ACCOUNT_ID"], child["OLENV_ROLE"]) == (
        ACCOUNT, ACCOUNT, "Admin")
    assert "AWS_PROFILE" not in child and "AWS_DEFAULT_PROFILE" not in child


@pytest.mark.parametrize("script, status", [("exit 0", 0), ("exit 3", 3), ("exit 255", 255),
                                            ("kill -TERM $$", 143), ("kill -INT $$", 130),
                                            ("kill -KILL $$", 137)])
def test_exec_passes_the_exit_status_and_signals_through(alice, script, status):
    bash = require("bash")
    # bash reports a death by signal N as 128+N, exactly as if olenv were not there.
    line = " ".join(OLENV) + f" exec -- sh -c '{script}'; echo \"status=$?\""
    result = subprocess.run([bash, "-c", line], env=alice, capture_output=True, text=True,
                            timeout=60, start_new_session=True)
    assert f"status={status}" in result.stdout, result.stderr


@pytest.mark.parametrize("command, status, message", [
    (["no-such-command-olenv"], 127, "no-such-command-olenv: command not found"),
    (["/etc"], 126, "/etc: permission denied"),
])
def test_exec_of_a_missing_or_unrunnable_command(alice, command, status, message):
    result = run_olenv(["exec", "--", *command], alice)
    assert (result.returncode, result.stderr.strip()) == (status, f"olenv: {message} (not executable)"
                                                          if status == 126 else f"olenv: {message}")


def test_exec_nests_by_replacing_with_a_notice_and_still_takes_force(alice, onelogin):
    # Every managed variable is replaced, so nesting mixes nothing up (test_exec.py has more).
    alice["OLENV_PROFILE"] = "prod"
    result = run_olenv(["exec", "--", "true"], alice)
    assert (result.returncode, result.stderr) == (
        0, f"olenv: switching from prod to {ACCOUNT} ({ACCOUNT}/Admin)\n")
    assert run_olenv(["exec", "--force", "--", "true"], alice).returncode == 0


def test_credential_process_from_the_aws_cli(alice, home):
    (home / ".aws" / "config").write_text(
        f"[profile dev]\ncredential_process = {' '.join(OLENV)} credential-process --profile dev\n"
        "region = eu-west-1\n")
    result = subprocess.run(["aws", "sts", "get-caller-identity", "--profile", "dev",
                             "--output", "json"], env=alice, capture_output=True, text=True,
                            timeout=60, start_new_session=True)
    assert identity(result)["Arn"] == ROLE_ARN


def test_credential_process_json(alice):
    result = run_olenv(["credential-process"], alice)
    reply = json.loads(result.stdout)
    assert reply["Version"] == 1 and reply["AccessKeyId"].startswith("ASIA")
    assert set(reply) == {"Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}


def test_login_writes_a_profile_botocore_reads(alice, home):
    credentials = home / ".aws" / "credentials"
    credentials.write_text("[keep]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = s\n")
    result = run_olenv(["login", "--profile", "dev"], alice)
    assert result.returncode == 0, result.stderr
    assert "wrote profile 'dev'" in result.stderr
    assert credentials.read_text().startswith(
        "[keep]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = s\n\n[dev]\n")
    assert (credentials.stat().st_mode & 0o777) == 0o600
    result = subprocess.run(["aws", "sts", "get-caller-identity", "--profile", "dev",
                             "--output", "json"], env=alice, capture_output=True, text=True,
                            timeout=60)
    assert identity(result)["Arn"] == ROLE_ARN


def test_export_formats(alice):
    dotenv = run_olenv(["export", "--format", "dotenv"], alice)
    assert dotenv.returncode == 0, dotenv.stderr
    assert 'AWS_REGION="eu-west-1"\n' in dotenv.stdout and "AWS_PROFILE" not in dotenv.stdout
    as_json = json.loads(run_olenv(["export", "--format", "json"], alice).stdout)
    assert as_json["AWS_SESSION_TOKEN"] == as_json["AWS_SECURITY_TOKEN"]


SHELL_CASES = {
    "bash": ('export AWS_PROFILE=stale\neval "$({olenv} export)" || exit 9\n', "bash"),
    "zsh": ('export AWS_PROFILE=stale\neval "$({olenv} export)" || exit 9\n', "zsh"),
    "fish": ("set -gx AWS_PROFILE stale\n{olenv} export | source; or exit 9\n", "fish"),
    "sh": ('export AWS_PROFILE=stale\neval "$({olenv} export)" || exit 9\n', "dash"),
}


@pytest.mark.parametrize("shell", sorted(SHELL_CASES))
def test_export_in_a_real_shell(alice, tmp_path, shell):
    setup, program = SHELL_CASES[shell]
    path = require(program)
    script = tmp_path / "script"
    script.write_text(setup.format(olenv=" ".join(OLENV)) +
                      "env | grep -E '^(AWS|OLENV)_' | sort\n"
                      "aws sts get-caller-identity --output json\n")
    result = subprocess.run([path, str(script)], env=alice, capture_output=True, text=True,
                            timeout=60, start_new_session=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    names = {line.split("=", 1)[0] for line in lines if "=" in line and line[:1].isupper()}
    assert names == {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                     "AWS_SECURITY_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION",
                     "AWS_CREDENTIAL_EXPIRATION", "AWS_SESSION_EXPIRATION", "AWS_CONFIG_FILE",
                     "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL_STS",
                     "AWS_EC2_METADATA_DISABLED", "OLENV_PROFILE", "OLENV_ACCOUNT_ID",
                     "OLENV_ROLE", "OLENV_ONELOGIN_URL", "OLENV_PASSWORD", "OLENV_AGENT"}
    start = result.stdout.index("{")
    assert json.loads(result.stdout[start:])["Arn"] == ROLE_ARN


def test_export_refuses_to_print_secrets_to_a_terminal(alice, onelogin):
    import pexpect

    child = pexpect.spawn(OLENV[0], OLENV[1:] + ["export"], env=alice, timeout=30)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert b'eval "$(olenv export)"' in child.before
    assert onelogin.count("saml_assertion") == 0
